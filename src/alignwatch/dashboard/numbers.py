"""One number as the dashboard sends it to the browser: JSON has no NaN or infinity, so those become None."""

from __future__ import annotations

import numpy as np


def number(v, digits: int = 3):
    """``v`` as a float rounded to ``digits``, or None where it is missing, not a number or not finite."""
    try:
        v = float(v)
    except (TypeError, ValueError):
        return None
    return round(v, digits) if np.isfinite(v) else None
