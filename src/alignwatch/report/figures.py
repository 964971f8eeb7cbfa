"""The one registry of figures: every figure that the report, the dashboard and ``alignwatch figure`` draw is a
:class:`FigureSpec` here, and the report's and the dashboard's figure lists are declared here once.

A spec says what its figure needs (:class:`Kind`): one pair of states, a set of states, or nothing but the
warehouse (a figure about the DPRK as a whole). :meth:`FigureSpec.draw` turns a set of states (the focus first, as
the user typed them) into the figures of that set, so every caller draws the same figures from the same functions:

* every measure family's own figure (:meth:`alignwatch.measures.registry.Family.figure`) under the family's name;
* the figures below that are not one family's (the two UNGA series side by side, the Council's DPRK timeline, ...).

Adding a figure: write the function in a ``figures_*`` module, declare its spec below (a family's figure needs no
spec: override ``Family.figure``), and, to show it in the report and the dashboard, add it to
:func:`families_section` or :data:`POSITIONS_SECTION`.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import plotly.graph_objects as go

from ..errors import AlignwatchError
from ..measures import families, trade, treaties, visits
from ..measures.registry import Family
from ..warehouse import Warehouse
from . import figures_positions, figures_text, figures_trade, figures_unga, figures_unsc

REFERENCE = ("USA",)  # the anchor shown beside the states in the UNGA figures (a partner already listed once)


class Kind(str, enum.Enum):
    PAIR = "pair"  # build(wh, first, second, years): drawn for the focus with each partner
    STATES = "states"  # build(wh, states, years): drawn once for the focus, its partners and the reference states
    DPRK = "dprk"  # build(wh, years): about the DPRK as a whole; drawn when the DPRK is among the states


@dataclass(frozen=True)
class Panel:
    """One drawn figure, or why it could not be drawn (``note``)."""

    title: str
    figure: go.Figure | None = None
    note: str | None = None


@dataclass(frozen=True)
class FigureSpec:
    name: str  # ``alignwatch figure NAME``
    title: str  # the heading in the report and the dashboard
    kind: Kind
    build: Callable[..., go.Figure]
    help: str
    reference: tuple[str, ...] = ()  # states added for comparison (STATES figures)

    @property
    def example(self) -> str:
        states = {Kind.PAIR: " PRK CHN", Kind.STATES: " PRK CHN RUS", Kind.DPRK: ""}[self.kind]
        return f"alignwatch figure {self.name}{states} --out {self.name}.html"

    def check(self, states: list[str]) -> None:
        """One clear error where the states do not fit the figure (the CLI's arguments)."""
        from ..errors import UsageError

        if self.kind == Kind.PAIR and len(states) != 2:
            raise UsageError(f"figure {self.name} needs two states", hint=self.example)
        if self.kind == Kind.STATES and not states:
            raise UsageError(f"figure {self.name} needs at least one state", hint=self.example)
        if self.kind == Kind.DPRK and states:
            raise UsageError(f"figure {self.name} is about the DPRK and takes no states", hint=self.example)

    def one(self, wh: Warehouse, states: list[str], years: tuple[int, int] | None = None) -> go.Figure:
        """The figure for exactly the states given (the CLI): a pair, a set, or none."""
        self.check(states)
        if self.kind == Kind.PAIR:
            return self.build(wh, states[0], states[1], years)
        if self.kind == Kind.STATES:
            return self.build(wh, states, years)
        return self.build(wh, years)

    def draw(self, wh: Warehouse, states: list[str], years: tuple[int, int] | None = None, *,
             on_bug: Callable[[Exception], str] | None = None) -> list[Panel]:
        """The figures of a view (the report, the dashboard): the focus ``states[0]`` with each partner, the whole
        set (with the reference states), or the DPRK figure when the DPRK is among the states. A figure whose data
        are missing is a :class:`Panel` with a note, in place. An unexpected error is a bug: it propagates, unless
        ``on_bug`` turns it into the note (a server keeps its other figures)."""
        if self.kind == Kind.PAIR:
            jobs = [(f"{states[0]}–{p}: {self.title}", (states[0], p)) for p in states[1:]]
        elif self.kind == Kind.STATES:
            jobs = [(self.title, (list(dict.fromkeys([*states, *self.reference])),))]
        else:
            jobs = [(self.title, ())] if "PRK" in states else []
        out = []
        for title, args in jobs:
            try:
                out.append(Panel(title, figure=self.build(wh, *args, years)))
            except AlignwatchError as e:
                out.append(Panel(title, note=f"Not available: {e}"))
            except Exception as e:
                if on_bug is None:
                    raise
                out.append(Panel(title, note=on_bug(e)))
        return out


# ---------------------------------------------------------------------------------- figures of no one family


def _speeches(wh: Warehouse, states: list[str], years) -> go.Figure:
    return figures_text.speech_similarity(wh, [(states[0], p) for p in states[1:]], years)


def _ukraine_votes(wh: Warehouse, states: list[str], years) -> go.Figure:
    return figures_unga.ukraine_votes_figure(wh, states)


def _ideal_points(wh: Warehouse, states: list[str], years) -> go.Figure:
    return figures_unga.idealpoints_figure(wh, states, years=years)


def _unga_series(wh: Warehouse, states: list[str], years) -> go.Figure:
    return figures_unga.agreement_figure(wh, states, years=years)


def _proposals(wh: Warehouse, states: list[str], years) -> go.Figure:
    return figures_positions.proposals_timeline_figure(wh, states)


def _unsc_dprk(wh: Warehouse, years) -> go.Figure:
    return figures_unsc.unsc_timeline_figure(wh, "DPRK")


def _addresses(wh: Warehouse, years) -> go.Figure:
    return figures_positions.addresses_figure(wh)


UNGA_SERIES = FigureSpec("unga-series", "UN General Assembly: agreement in the two roll-call series", Kind.STATES,
                         _unga_series, "the first state's identical-vote share with each other state, undl and "
                         "voeten series and their difference", REFERENCE)
UKRAINE_VOTES = FigureSpec("ukraine-votes", "UN General Assembly: the Ukraine emergency-session votes (ES-11)",
                           Kind.STATES, _ukraine_votes, "each state's vote on every ES-11 resolution", REFERENCE)
IDEAL_POINTS = FigureSpec("ideal-points", "UN General Assembly: ideal points", Kind.STATES, _ideal_points,
                          "dynamic ideal points of the states with 95% bands and the median state", REFERENCE)
UNSC_DPRK = FigureSpec("unsc-dprk", "Security Council: DPRK timeline", Kind.DPRK, _unsc_dprk,
                       "every Council text on the DPRK with the P5 votes and sanctions stringency")
TRADE_FLOWS = FigureSpec("trade-flows", "trade flows by series", Kind.PAIR, figures_trade.trade_flows,
                         "A's exports to and imports from B by series; gaps shaded")
SPEECHES = FigureSpec("speeches", "Speeches: General Debate similarity", Kind.STATES, _speeches,
                      "General Debate speech similarity of the first state with each other state per year")
KCNA = FigureSpec("kcna-salience", "KCNA headlines naming China and Russia", Kind.DPRK, figures_text.kcna_salience,
                  "share of KCNA's English headlines naming China and Russia per year (1997-2014)")
PROPOSALS = FigureSpec("proposals", "Stances on peace proposals, roadmaps and joint statements", Kind.STATES,
                       _proposals, "each state's stance on every proposal in the chronology")
ADDRESSES = FigureSpec("addresses", "Pyongyang's New Year addresses: term rates", Kind.DPRK, _addresses,
                       "term rates of the DPRK New Year addresses per 10,000 syllables")
OTHERS = (UNGA_SERIES, UKRAINE_VOTES, IDEAL_POINTS, UNSC_DPRK, TRADE_FLOWS, SPEECHES, KCNA, PROPOSALS, ADDRESSES)


def family_figure(fam: Family) -> FigureSpec:
    """The spec of a family's own figure (the family's name, label and description)."""
    return FigureSpec(fam.name, fam.label, Kind.PAIR, fam.figure, fam.description)


@lru_cache(maxsize=1)
def registry() -> dict[str, FigureSpec]:
    """Every figure by name (``alignwatch figure NAME``): each family's own, then the others."""
    out = {name: family_figure(fam) for name, fam in sorted(families().items())}
    for spec in OTHERS:
        if spec.name in out:
            raise TypeError(f"figure name {spec.name!r} is taken by a measure family")
        out[spec.name] = spec
    return out


def get(name: str) -> FigureSpec:
    from ..errors import UsageError

    figs = registry()
    if name not in figs:
        raise UsageError(f"unknown figure {name!r}", hint=f"choose from: {', '.join(figs)} (alignwatch figure --list)")
    return figs[name]


def families_section() -> tuple[FigureSpec, ...]:
    """The report's "Measure families" section and the dashboard's Families tab, in order."""
    return (UNGA_SERIES, UKRAINE_VOTES, IDEAL_POINTS, UNSC_DPRK, family_figure(treaties.FAMILY),
            family_figure(trade.FAMILY), TRADE_FLOWS, family_figure(visits.FAMILY), SPEECHES, KCNA)


POSITIONS_SECTION = (PROPOSALS, ADDRESSES)
