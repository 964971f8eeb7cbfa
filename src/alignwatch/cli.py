"""The ``alignwatch`` command. Commands live in ``alignwatch.commands.<topic>`` and register themselves here.

Exit codes: 0 success; 1 other alignwatch error; 2 bad argument (unknown state, reversed years); 3 bad input data
(DataError); 4 warehouse missing or lacking a table; 5 download/locate failure; 130 interrupted.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys

import typer

from . import commands
from .errors import AlignwatchError

app = typer.Typer(
    name="alignwatch",
    help=__doc__.split("\n")[0] + "\n\nMeasure how closely states are aligned, from public data.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)


def _load_commands() -> None:
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        if not info.name.startswith("_"):
            importlib.import_module(f"{commands.__name__}.{info.name}").register(app)


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
