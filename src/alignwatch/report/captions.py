"""Source captions under figures: every plotted series cites its data, in one place and one style."""

from __future__ import annotations

import textwrap

import plotly.graph_objects as go


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
