"""Base: what every layer shares and nothing specific to the contract.

Errors by what the caller must do (`errors`), exact money arithmetic (`money`), bounded JSON file reading
(`jsonio`) and its limits (`limits`), numbers read strictly (`numbers`), text made printable (`text`), sentences
as data (`messages`: keys and typed values, rendered per language from `catalogs`) and figures written per language
(`formats`, the only user of Babel). Imports nothing from the other layers.
"""
