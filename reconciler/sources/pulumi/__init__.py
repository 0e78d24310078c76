"""The `pulumi` source: a stack's state (`pulumi stack export`, from a file or the CLI) as resources.

`source` (reading the export, the `SPEC`), `plan` (a preview's steps applied to an export) and `mapping` (the
bridged ksyun provider's types to resources; the `terraform` source maps through it too).
Imports only the core's observation model, base and the source seam.
"""
