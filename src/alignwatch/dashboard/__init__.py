"""The interactive dashboard (Dash) over the warehouse: ``alignwatch serve``; see docs/dashboard.md."""

from .app import create_app

__all__ = ["create_app"]
