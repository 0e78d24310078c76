"""Message catalogs: one typed table per language (`en`, `zh`), each wording every key of `base.messages.KEYS`.

A template names its values in braces, `{start}`; `{days:day|days}` writes the number with its noun (English
plural). `TERMS` is each language's vocabulary: line items, resource kinds, VM states, units, clauses, joiners.
Read by `base.messages.say`; `tests/test_messages.py` keeps every catalog complete (every key, every value).
"""
