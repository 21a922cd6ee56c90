"""Checks on declaraties (to be filled)."""
