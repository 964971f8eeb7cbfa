"""Measure families, one module each. Every module registers a :class:`Family` with :func:`register`."""

from .registry import Family, families, get, register  # noqa: F401
