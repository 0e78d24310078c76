"""App: the `reconciler` command and the pipeline behind it; the only layer that wires the others together.

`cli` (typer: every command, exit codes, bad input without traceback), `pipeline` (contract -> observe ->
measure -> reconcile -> record), `report_command` (which reconciliation and runs a report shows),
`schemas` (the published JSON Schemas), `progress` and `source_listing` (console faces of the commands).
May import every layer except `reconciler.integrations`.
"""
