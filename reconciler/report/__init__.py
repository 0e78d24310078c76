"""Renderers: a Reconciliation or a contract check turned into console text, Markdown or JSON."""
