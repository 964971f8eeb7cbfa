"""CLI commands, one module per topic; each exposes ``register(app)`` and is discovered by ``alignwatch.cli``."""
