"""What every figure module shares: source captions (every plotted series cites its data, in one style), state
names for labels, a figure or table as an HTML fragment (report sections, dashboard frames), and writing a figure
as one offline HTML file."""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go

from ..errors import UsageError


def state_name(iso3: str) -> str:
    """A readable name for labels; the code itself where the state system does not know it (a nicety only)."""
    try:
        from .. import states

        return states.name(iso3)
    except Exception:
        return iso3


def fig_html(fig: go.Figure) -> str:
    """A figure as an HTML fragment for a page that loads plotly.js once (the report, a dashboard frame)."""
    return fig.to_html(full_html=False, include_plotlyjs=False, config={"displaylogo": False, "responsive": True})


def table_html(df: pd.DataFrame | None, max_rows: int = 60) -> str:
    """A table as an HTML fragment (NA shown as NA, text escaped); a wide table scrolls inside the page."""
    if df is None or df.empty:
        return "<p class='na'>No rows.</p>"
    table = df.head(max_rows).to_html(index=False, na_rep="NA", float_format=lambda v: f"{v:.3f}",
                                      classes="tbl", border=0, escape=True)
    return f"<div class='tbl-wrap'>{table}</div>"


def year_runs(years) -> list[list[int]]:
    """Consecutive years grouped: [1991, 1992, 1995] -> [[1991, 1992], [1995]]."""
    runs: list[list[int]] = []
    for y in (int(y) for y in years):
        if runs and y == runs[-1][-1] + 1:
            runs[-1].append(y)
        else:
            runs.append([y])
    return runs


def years_text(years) -> str:
    """[1991, 1992, 1995] -> "1991–1992, 1995" (captions and tables name year spans this way)."""
    return ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]}–{r[-1]}" for r in year_runs(years))


def datasets(values) -> str:
    """Dataset names out of ``source`` cells ("chr_trade_prk:KOTRA (https://…)" -> "chr_trade_prk"): a caption
    names the datasets; the row-level citations stay in the tables."""
    names = set()
    for v in values:
        for part in re.split(r"[,;+]", str(v)):
            part = part.strip().split(" (")[0].split(":")[0].strip()
            if re.fullmatch(r"[A-Za-z][A-Za-z0-9]*(_[A-Za-z0-9]+)+", part):  # table names: unga_votes, ps_cow_ddy
                names.add(part)
    return ", ".join(sorted(names))


def write_html(fig: go.Figure, path: str | Path, *, meta: dict | None = None) -> Path:
    """A standalone HTML file that opens offline: plotly.js is embedded, nothing is loaded from the network.

    ``meta`` (what the file holds: command, options, series, version) goes into the page head as JSON."""
    path = Path(path)
    if path.suffix.lower() not in (".html", ".htm"):
        raise UsageError(f"{path} is not an .html file", hint="e.g. --plot figure.html")
    path.parent.mkdir(parents=True, exist_ok=True)
    text = fig.to_html(include_plotlyjs=True, full_html=True, include_mathjax=False,
                       config={"displaylogo": False, "responsive": True})
    text = text.replace("<head>", "<head>" + html_metadata(meta), 1)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
    return path


def html_metadata(meta: dict | None) -> str:
    """The head elements that say what an HTML file holds: a generator tag and the metadata as JSON."""
    from .. import __version__

    body = json.dumps(meta or {"alignwatch_version": __version__}, ensure_ascii=False).replace("</", "<\\/")
    return (f'<meta name="generator" content="alignwatch {__version__}">'
            f'<script type="application/json" id="alignwatch-metadata">{body}</script>')


def read_html_metadata(path: str | Path) -> dict:
    """The metadata :func:`html_metadata` wrote into an HTML file."""
    text = Path(path).read_text("utf-8")
    m = re.search(r'<script type="application/json" id="alignwatch-metadata">(.*?)</script>', text, re.S)
    return json.loads(m.group(1)) if m else {}


def add_caption(fig: go.Figure, text: str, width: int = 150, *, yshift: int = -60) -> go.Figure:
    """Put sources and definitions under the plot (wrapped by hand: plotly does not wrap annotations).

    A legend laid out horizontally under the plot would sit on top of the caption, so it moves to the right-hand
    side; the bottom margin grows with the caption's lines.
    """
    lines = [ln for para in text.split("\n") for ln in (textwrap.wrap(para, width) or [""])]
    fig.add_annotation(text="<br>".join(lines), xref="paper", yref="paper", x=0, y=0, yshift=yshift,
                       xanchor="left", yanchor="top", showarrow=False, align="left",
                       font=dict(size=11, color="#404040"))
    legend = fig.layout.legend
    if legend.orientation == "h" and (legend.y is None or legend.y < 0):
        fig.update_layout(legend=dict(orientation="v", x=1.01, y=1, xanchor="left", yanchor="top"))
    fig.update_layout(margin=dict(b=abs(yshift) + 30 + 15 * len(lines), t=max(fig.layout.margin.t or 0, 80)))
    return fig
