"""Leercirkel-data kit: analyse iJw 3.2 message traffic of a Dutch youth-care region."""

__version__ = "0.1.0"
