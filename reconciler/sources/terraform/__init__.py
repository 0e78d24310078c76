"""The `terraform` source: `terraform show -json` of a saved plan or of a state, for the Kingsoft Cloud provider.

`show` (the document's resources, a plan's changes applied, under the bridged provider's names) and `source`
(the `SPEC`); the resources map through the pulumi source's mapping, which knows the ksyun resource types.
Imports only the core's observation model, base and the source seam (and that mapping).
"""
