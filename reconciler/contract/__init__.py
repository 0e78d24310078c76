"""The contract: its typed model, its loader, and the checks of its arithmetic."""
