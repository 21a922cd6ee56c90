"""Checks on stops (to be filled)."""
