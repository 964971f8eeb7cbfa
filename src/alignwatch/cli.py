"""Measure how closely states are aligned (first of all North Korea with China and Russia), from public data.

Exit codes: 0 success; 1 other error; 2 bad argument (unknown state, reversed years); 3 bad input data;
4 warehouse missing or lacking a table; 5 download failure; 130 interrupted.
"""

# For developers: commands live in alignwatch.commands.<topic> and register themselves here. Command modules import
# no heavy library at module level (pandas, DuckDB, plotly, scipy...): `alignwatch --help` must stay under a second.

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
import sys

import typer

from . import commands
from .errors import AlignwatchError

app = typer.Typer(
    name="alignwatch",
    help=__doc__.strip() + "\n\nEvery command has --help with examples. Documentation: README.md and docs/.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)


def _load_commands() -> None:
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        if not info.name.startswith("_"):
            importlib.import_module(f"{commands.__name__}.{info.name}").register(app)
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
    """Entry point: run the app, turning every alignwatch error into one line and an exit code."""
    def say(line: str) -> None:  # one line each, never wrapped: scripts grep these
        sys.stderr.write(line.replace("\n", " ") + "\n")

    try:
        app(args=argv, standalone_mode=False)
    except AlignwatchError as e:
        say(f"error: {e}")
        if e.hint and e.hint not in str(e):  # some messages already carry their hint (API users see only str(e))
            say(f"hint: {e.hint}")
        return e.exit_code
    except KeyboardInterrupt:
        say("interrupted")
        return 130
    except SystemExit as e:  # typer/click exits (e.g. --help)
        return int(e.code or 0)
    except Exception as e:  # option-parsing errors: click's, or the copy of click that typer bundles
        for mod in _click_modules():
            if isinstance(e, getattr(mod, "ClickException", ())):
                e.show()
                return e.exit_code
            if isinstance(e, getattr(mod, "Abort", ())):
                return 130
        raise
    return 0


def _click_modules() -> list:
    mods = []
    for name in ("click.exceptions", "typer._click.exceptions"):
        try:
            mods.append(importlib.import_module(name))
        except ImportError:
            pass
    return mods


def run() -> None:
    sys.exit(main())


if __name__ == "__main__":
    run()
