"""Checks on verzoeken (to be filled)."""
