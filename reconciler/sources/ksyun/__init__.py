"""The `ksyun` source: Kingsoft Cloud through its official SDKs (kingsoftcloud-sdk-python, ks3sdk).

`source` (settings, credentials, live calls with paging and retries, exports read with --from-file, the
`SPEC` the registry names), `mapping` (API bodies to normalized resources), `tables` (instance family and
volume type tables an operator can override). Imports only the core's observation model, base and the
source seam (`reconciler.sources.base`).
"""
