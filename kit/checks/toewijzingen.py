"""Checks on toewijzingen (to be filled)."""
