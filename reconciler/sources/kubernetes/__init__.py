"""The `kubernetes` source: nodes, persistent volumes and LoadBalancer Services through the official client.

`source` (client, paginated lists, retries, the `SPEC`), `export` (`kubectl get -o json` files), `mapping`
(objects to normalized resources), `quantity` (exact Kubernetes quantities), `tables` (instance types and
storage classes). Imports only the core's observation model, base and the source seam.
"""
