"""The `ksyun` source: Kingsoft Cloud through its official SDKs (kingsoftcloud-sdk-python, ks3sdk).

`settings` (endpoints, regions, paging, retries, credentials), `live` (the only module that imports the SDKs:
calls with paging and retries, redacted logs), `export` (the native export file read with --from-file),
`mapping` (API bodies to normalized resources; the listing checks), `tables` (instance family and volume type
tables an operator can override) and `source` (one rule for live and exported pages; the registry's `SPEC`).
Imports only the core's observation model, dates, base and the source seam (`reconciler.sources.base`).
"""
