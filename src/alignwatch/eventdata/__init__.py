"""Event data at scale: GDELT, ICEWS and POLECAT files in, dyad-year/dyad-month panels out.

The pipeline is the project's usual one — read, validate, load into the warehouse, aggregate — but written so that
the aggregation runs unchanged on DuckDB (one machine, the default) and on Spark (a cluster), because raw event data
runs to hundreds of millions of rows:

- :mod:`.formats`   what the three public formats look like, and the one normalised event schema they become;
- :mod:`.load`      ``ingest_events``: validate every row (file and line on error), stage, swap in one transaction;
- :mod:`.aggregate` the panels, written once as Ibis expressions (events; and the UNGA agreement baseline);
- :mod:`.engines`   ``connect('duckdb' | 'spark')`` and table lookup on either engine;
- :mod:`.synthetic` a seeded generator of GDELT-shaped events with realistic skew, for scale tests.
"""

from .formats import EVENT_COLUMNS, FORMATS, QUAD_CLASSES

__all__ = ["EVENT_COLUMNS", "FORMATS", "QUAD_CLASSES"]
