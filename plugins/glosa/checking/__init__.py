"""Checking a vault: the rules, their diagnostics, reports and the check cache."""
