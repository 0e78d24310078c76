"""Fleet: every contract of the management unit checked, watched and shown together.

`model`/`load` (the fleet file: its contracts, sources, owners and notification targets), `shards` (which
contracts a shard checks), `digest` (what the fleet keeps of each check), `outcomes` (a contract's result and the
worst exit code), `runner` (checks side by side, bounded), `events`/`channels`/`senders`/`notify` (one message per
change of state, signed per vendor, delivered once), `metrics` (Prometheus exposition), `overview` (the
management unit's page). A contract's check itself is the app's (`app.fleet_command` hands it to the runner).
May import every layer below the app (report, sources, history, core, contract, dates, base), never the app.
"""
