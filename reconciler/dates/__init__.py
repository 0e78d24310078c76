"""Dates: Beijing time and the Civil Code's reckoning of periods, independent of any one contract.

`clock` (the contract's time zone, day boundaries, parsing instants) and `periods` (days, working days and
months under Civil Code Art. 200-204, statutory holidays through chinese-calendar or a calendar file).
May import `reconciler.base` only.
"""
