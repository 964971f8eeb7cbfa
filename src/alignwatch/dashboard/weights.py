"""The weights a visitor sets with the sliders: checked, written into the address, applied to the server's weights,
and written out as a weights.toml that ``alignwatch index --weights FILE`` reads.

Why overrides and not a whole file in the address: the address stays short and shareable, and a view whose
sliders sit at the server's weights has the same address (and the same caches) as before the sliders existed.
``weights=unga:0,economic:0.3`` lists the families (their weight in ``[political]`` / ``[economic]``) and the
domains (their weight in ``[composite]``) that differ from the server's.

What a changed weight does in the dashboard: the view is re-scored with the model's parameters held at their
estimates under the server's weights (:func:`alignwatch.index.held_model`); ``alignwatch index --weights FILE``
re-estimates them, so its numbers can differ a little (docs/dashboard.md gives the size).
"""

from __future__ import annotations

import dataclasses
import math
import re

from .. import checks
from .. import index as idx
from ..errors import UsageError

DOMAINS = idx.DOMAINS  # the index's two domains (composite weights)
MAX_WEIGHT = 2.0
STEP = 0.05
_NAME = re.compile(r"^[a-z_]{1,40}$")


def known_names() -> set[str]:
    from ..measures import families

    return set(families()) | set(DOMAINS)


def _value(name: str, raw) -> float:
    try:
        v = float(raw)
    except (TypeError, ValueError):
        raise UsageError(f"weight of {name} {checks.shorten(raw)} is not a number",
                         hint=f"a number from 0 to {MAX_WEIGHT:g}, e.g. weights=unga:0.5") from None
    if not math.isfinite(v) or not 0 <= v <= MAX_WEIGHT:
        raise UsageError(f"weight of {name} = {checks.shorten(raw)} is outside 0–{MAX_WEIGHT:g}")
    return round(v, 2)


def check_overrides(value) -> tuple[tuple[str, float], ...]:
    """``"unga:0,economic:0.3"`` (the address), a dict or pairs (the sliders) -> sorted ``(name, weight)`` pairs.
    Names are measure families or the two domains; weights 0 to :data:`MAX_WEIGHT`."""
    if value is None or value == "" or value == ():
        return ()
    if isinstance(value, str):
        if len(value) > 400:
            raise UsageError(f"the weights parameter is too long ({len(value)} characters)")
        pairs = []
        for part in value.split(","):
            name, sep, raw = part.partition(":")
            if not sep:
                raise UsageError(f"weights entry {checks.shorten(part)} is not name:value",
                                 hint="e.g. weights=unga:0,economic:0.3")
            pairs.append((name.strip(), raw.strip()))
    elif isinstance(value, dict):
        pairs = list(value.items())
    elif isinstance(value, (list, tuple)):
        try:
            pairs = [(n, v) for n, v in value]
        except (TypeError, ValueError):
            raise UsageError("weights must be name:value pairs") from None
    else:
        raise UsageError(f"weights {checks.shorten(value)} are not name:value pairs")
    known = known_names()
    out: dict[str, float] = {}
    for name, raw in pairs:
        if not isinstance(name, str) or not _NAME.match(name) or name not in known:
            raise UsageError(f"unknown weight {checks.shorten(name)}",
                             hint=f"known: {', '.join(sorted(known))}")
        if name in out:
            raise UsageError(f"weight {name} is given twice")
        out[name] = _value(name, raw)
    return tuple(sorted(out.items()))


def format_overrides(overrides) -> str:
    return ",".join(f"{n}:{v:g}" for n, v in overrides)


def sliders(base: idx.Weights) -> list[tuple[str, str, float]]:
    """``(domain, name, weight)`` of every family the server's weights index, then the two domains (composite)."""
    out = [(d, f, float(w)) for d in DOMAINS for f, w in sorted(getattr(base, d).items()) if w > 0]
    return out + [("composite", d, float(base.composite.get(d, 0.0))) for d in DOMAINS]


def current(base: idx.Weights, overrides) -> dict[str, float]:
    """Every slider's value for a view: the server's weight unless overridden."""
    over = dict(overrides)
    return {name: over.get(name, w) for _, name, w in sliders(base)}


def overrides_from(base: idx.Weights, values: dict[str, float]) -> tuple[tuple[str, float], ...]:
    """The sliders' values -> the overrides: only what differs from the server's weights."""
    out = {}
    for _, name, w in sliders(base):
        v = values.get(name)
        if v is not None and round(float(v), 2) != round(w, 2):
            out[name] = v
    return check_overrides(out)


def apply(base: idx.Weights, overrides) -> idx.Weights:
    """The server's weights with the view's overrides. A family the server's weights do not index cannot be
    weighted (its parameters were not estimated); at least one family and one domain must keep a weight."""
    if not overrides:
        return base
    over = dict(overrides)
    pol, eco, comp = dict(base.political), dict(base.economic), dict(base.composite)
    indexed = {name for d, name, _ in sliders(base) if d != "composite"}
    for name, v in over.items():
        if name in DOMAINS:
            comp[name] = v
        elif name not in indexed:
            raise UsageError(f"{name} is not among the families this server's weights index",
                             hint=f"indexed: {', '.join(sorted(indexed))}")
        elif name in pol:
            pol[name] = v
        else:
            eco[name] = v
    if not any(v > 0 for v in [*pol.values(), *eco.values()]):
        raise UsageError("every family has weight 0: nothing to index", hint="give at least one family a weight")
    w = dataclasses.replace(base, political=pol, economic=eco, composite=comp,
                            path=f"{base.path} with {format_overrides(overrides)}")
    if not w.composite_weights():
        raise UsageError("both domains have weight 0 (or no family): the composite is undefined",
                         hint="give political or economic a weight above 0")
    return w


def _toml_value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(v, float):
        return repr(v)
    return str(v)


def to_toml(w: idx.Weights) -> str:
    """A complete weights file of ``w`` (every setting, not only the changed weights) that
    :func:`alignwatch.index.load_weights` reads back to the same settings."""
    lines = ["# alignwatch weights, written by the dashboard (docs/index.md: what each setting means).",
             f"# From: {w.path}", "# Use: alignwatch index PRK,CHN --weights weights.toml", ""]

    def table(name: str, items) -> None:
        lines.append(f"[{name}]")
        lines.extend(f"{k if re.match(r'^[A-Za-z0-9_]+$', k) else _toml_value(k)} = {_toml_value(v)}"
                     for k, v in items)
        lines.append("")

    table("political", sorted((k, float(v)) for k, v in w.political.items()))
    table("economic", sorted((k, float(v)) for k, v in w.economic.items()))
    table("composite", [(d, float(w.composite.get(d, 0.0))) for d in DOMAINS])
    table("draws", [("replicates", int(w.replicates)), ("seed", int(w.seed)), ("level", float(w.level))])
    table("model", [("dynamics", "ar1"), ("start", int(w.start)), ("max_iter", int(w.max_iter)),
                    ("tol", float(w.tol))])
    table("priors.series_offset_sd", sorted((k, float(v)) for k, v in w.priors.series_offset_sd.items()))
    table("divergence", [("threshold", float(w.threshold))])
    lines.append("[reference]")
    lines.append("states = [" + ", ".join(_toml_value(s) for s in w.reference) + "]")
    return "\n".join(lines) + "\n"
