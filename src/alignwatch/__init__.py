"""alignwatch: measure the alignment of states (first of all PRK with CHN and RUS) from public data."""

__version__ = "0.1.0"
