"""Measure how closely states are aligned (first of all North Korea with China and Russia), from public data.

Exit codes: 0 success; 1 other error; 2 bad argument (unknown state, reversed years); 3 bad input data;
4 warehouse missing or lacking a table; 5 download failure; 130 interrupted.
"""

# For developers: commands live in alignwatch.commands.<topic>, each with a register(app) function, and are listed
# once in COMMANDS below. Command modules import no heavy library at module level (pandas, DuckDB, plotly,
# scipy...): `alignwatch --help` must stay under a second.

from __future__ import annotations

import importlib
import inspect
import os
import re
import sys

import typer

from .commands import (claims, data, dyad, events, eventscores, figure, index, network, positions, redlines,
                       report, serve, similarity, speech, trade, unga, unsc)
from .errors import AlignwatchError, Interrupted

COMMANDS = (claims, data, dyad, events, eventscores, figure, index, network, positions, redlines, report, serve,
            similarity, speech, trade, unga, unsc)

app = typer.Typer(
    name="alignwatch",
    help=__doc__.strip() + "\n\nEvery command has --help with examples. Documentation: README.md and docs/.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)


def _load_commands() -> None:
    for module in COMMANDS:
        module.register(app)
    _plain_help(app)


_CODE = re.compile(r"``(.+?)``|`([^`]+)`", re.S)


def help_text(doc: str | None) -> str:
    """A docstring as help: code spans lose their (reStructuredText or Markdown) backticks, and an "Examples:"
    paragraph becomes one example per line."""
    paras = inspect.cleandoc(doc or "").split("\n\n")
    out = []
    for p in paras:
        if p.lstrip().startswith(("Example:", "Examples:")) and _CODE.search(p):
            lines, pos = [p.split(":", 1)[0] + ":"], p.index(":") + 1
            for m in _CODE.finditer(p):
                between = " ".join(p[pos:m.start()].split()).strip(",; ")
                if between and between not in ("or", "and", "then") and len(lines) > 1:
                    lines[-1] += " " + between.removeprefix("or ").removeprefix("then ")
                lines.append("  " + " ".join((m.group(1) or m.group(2)).split()))
                pos = m.end()
            rest = " ".join(p[pos:].split()).strip(",;. ")
            if rest:
                lines[-1] += " " + rest
            out.append("\n".join(lines))
        else:
            out.append(_CODE.sub(lambda m: m.group(1) or m.group(2), p))
    return "\n\n".join(out)


def _first_sentence(text: str) -> str:
    first = " ".join(text.split("\n\n")[0].split())
    m = re.search(r"(?<=[a-z0-9)])\. ", first)
    return first[: m.start() + 1] if m else first


def _plain_help(typer_app: typer.Typer) -> None:
    """Help texts of every command (and sub-command) without markup, with a one-sentence summary in listings."""
    for info in typer_app.registered_commands:
        text = help_text(info.help or inspect.getdoc(info.callback))
        info.help, info.short_help = text, info.short_help or _first_sentence(text)
    for group in typer_app.registered_groups:
        if group.typer_instance is not None:
            _plain_help(group.typer_instance)


_load_commands()


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the app and return its exit code, turning every error into one line (never a traceback).

    The command's own exit code counts (a check that finds problems exits 1). Besides alignwatch's errors: an
    interrupt is 130, an OS error (a file that cannot be read or written) 1, a DuckDB error 4 (the warehouse), and
    anything unexpected is one ``internal error`` line (``ALIGNWATCH_DEBUG=1`` shows the traceback).
    """
    def say(line: str) -> None:  # one line each, never wrapped: scripts grep these
        sys.stderr.write(line.replace("\n", " ").replace("\r", " ") + "\n")

    try:
        rv = app(args=argv, standalone_mode=False)
    except Interrupted as e:
        say(str(e))
        return e.exit_code
    except AlignwatchError as e:
        say(f"error: {e}")
        if e.hint and e.hint not in str(e):  # some messages already carry their hint (API users see only str(e))
            say(f"hint: {e.hint}")
        return e.exit_code
    except KeyboardInterrupt:
        say("interrupted")
        return 130
    except SystemExit as e:  # typer/click exits (e.g. --help)
        return e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    except Exception as e:  # option-parsing errors (click's, or the copy typer bundles), then the unexpected
        for mod in _click_modules():
            if isinstance(e, getattr(mod, "ClickException", ())):
                e.show()
                return e.exit_code
            if isinstance(e, getattr(mod, "Abort", ())):  # click turns Ctrl+C into Abort
                say("interrupted")
                return 130
        if os.environ.get("ALIGNWATCH_DEBUG"):
            raise
        duckdb = sys.modules.get("duckdb")  # only imported if a command used it
        if duckdb is not None and isinstance(e, getattr(duckdb, "InterruptException", ())):
            say("interrupted")
            return 130
        first = (str(e).strip().splitlines() or [""])[0][:300]
        if isinstance(e, OSError):
            where = f"{e.filename}: " if e.filename else ""
            say(f"error: {where}{e.strerror or first}")
            return 1
        if duckdb is not None and isinstance(e, getattr(duckdb, "Error", ())):
            say(f"error: warehouse query failed: {first}")
            return 4
        say(f"error: internal error ({type(e).__name__}: {first})")
        say("hint: this is a bug; ALIGNWATCH_DEBUG=1 shows the traceback for a report")
        return 1
    if isinstance(rv, bool) or not isinstance(rv, int):
        return 0
    return rv


def _click_modules() -> list:
    mods = []
    for name in ("click.exceptions", "typer._click.exceptions"):
        try:
            mods.append(importlib.import_module(name))
        except ImportError:
            pass
    return mods


def run() -> None:
    """Console entry point. A reader that stops early (``alignwatch ... | head``) is not an error: the rest of the
    output is dropped quietly and the exit code is the command's."""
    code = main()
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second failure at interpreter exit
    sys.exit(code)


if __name__ == "__main__":
    run()
