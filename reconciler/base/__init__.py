"""Base: what every layer shares and nothing specific to the contract.

Errors by what the caller must do (`errors`), exact money arithmetic (`money`), bounded JSON file reading
(`jsonio`) and its limits (`limits`), numbers read strictly (`numbers`), text made printable (`text`) and the
core's sentences (`messages`). Imports nothing from the other layers.
"""
