"""Contract: the contract as data and its own clocks.

`model` (pydantic: line items, prices, expansions, penalties), `load` (read and validate
contract_inventory.json), `checks` (its arithmetic), `numerals` (amounts in Chinese capitals),
`deadlines` (expansion due dates, the service period) and `obligations` (the dated calendar of payments,
acceptance and exit). May import `reconciler.dates` and `reconciler.base` only.
"""
