"""`alignwatch serve`: the interactive dashboard on a local port."""

from __future__ import annotations

import ipaddress
import re
import socket
import sys
import threading
from typing import Annotated

import typer

from ..errors import UsageError
from ._common import DbOption, WeightsOption, open_warehouse

_HOSTNAME = re.compile(r"(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}"
                       r"[A-Za-z0-9])?)*")


def check_host(host: str) -> bool:
    """Validate `--host` (an IP address or a host name); True when it is a loopback address."""
    if not isinstance(host, str) or not host.strip():
        raise UsageError("--host is empty", hint="e.g. --host 127.0.0.1")
    host = host.strip()
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        pass
    if not _HOSTNAME.fullmatch(host):
        raise UsageError(f"--host {host[:60]!r} is neither an IP address nor a host name", hint="e.g. --host 127.0.0.1")
    return host.lower() == "localhost"


def check_port_free(host: str, port: int) -> None:
    """Fail with one clear line when the port is taken (the web server would print a traceback-like banner)."""
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(fam, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError as e:
            raise UsageError(f"cannot listen on {host}:{port} ({e.strerror or e})",
                             hint=f"choose another port, e.g. --port {port + 1 if port < 65535 else 8050}") from None


def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on. Anything but loopback exposes the "
                                                     "dashboard (no authentication) to the network.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="TCP port.")] = 8050,
    weights: WeightsOption = None,
    warm: Annotated[bool, typer.Option("--warm/--no-warm", help="Compute the default view (PRK with CHN, RUS) "
                                                                "in the background at start.")] = True,
    threads: Annotated[int, typer.Option("--threads", min=1, max=64, help="Worker threads answering requests "
                                                                       "(connections beyond them wait in turn).")]
    = 8,
    db: DbOption = None,
):
    """Serve the interactive dashboard: pick a dyad, triad or bloc and a year range; index with intervals and
    periods, each measure family, bloc network, red lines, claims; CSV and PNG export; the address holds the view.

    Served by waitress (bounded threads and connections, idle timeouts); the warehouse is opened read-only and
    never written (computed views are kept in memory). Ctrl+C stops it.

    Examples: ``alignwatch serve`` (then open http://127.0.0.1:8050/?states=PRK,RUS&from=1991&to=2025),
    ``alignwatch serve --port 8080 --db /data/alignwatch.duckdb``
    """
    loopback = check_host(host)
    open_warehouse(db).tables()  # a missing or locked warehouse fails here, with its own message and exit code 4
    check_port_free(host, port)
    from ..dashboard import app as dashboard_app
    from ..dashboard.views import default_view

    app = dashboard_app.create_app(db, weights=weights)
    if not loopback:
        sys.stderr.write(f"warning: --host {host} is not a loopback address: anyone who can reach this machine "
                         "can use the dashboard (it has no authentication)\n")
    if warm:
        threading.Thread(target=app.alignwatch_data.warm, args=([default_view()],), daemon=True,
                         name="alignwatch-warm").start()
    shown = f"[{host}]" if ":" in host else host
    typer.echo(f"alignwatch dashboard on http://{shown}:{port}/ (Ctrl+C to stop)", err=True)
    try:
        dashboard_app.serve(app, host, port, threads=threads)
    except KeyboardInterrupt:
        typer.echo("dashboard stopped", err=True)


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
