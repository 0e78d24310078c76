"""Core: the reconcile logic, pure (no I/O, no wall clock: `now` is passed in, ordering deterministic).

`models` (the result models and their enums), `observation` (the normalized resource model sources produce),
`meters` (how resources count toward line items), `reconcile` (entitled, due, supplied, gap, status, value),
`expansions`, `exposure` (indicative penalties by clause), `changes` (since the previous run) and `runs`
(earlier runs as the core reads them). May import `reconciler.base`, `reconciler.dates` and
`reconciler.contract`; never a source, the history store, a report or the CLI.
"""
