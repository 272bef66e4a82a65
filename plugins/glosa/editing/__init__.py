"""The editors' commands that rewrite notes."""
