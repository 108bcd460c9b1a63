"""``tracker serve``: the web app under a production WSGI server.

One process (waitress, threaded) by default; ``--workers N`` runs N gunicorn worker
processes, the deployment for a larger organisation on PostgreSQL next to
``tracker projections run``.
"""

from __future__ import annotations

from typing import Any

import click

from tracker.cli import Context, handles_errors, main, pass_ctx


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--threads", default=8, show_default=True, type=int, help="Threads per process.")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Web processes (more than one uses gunicorn).")
@pass_ctx
@handles_errors
def serve(ctx: Context, host: str, port: int, threads: int, workers: int) -> None:
    """Serve the web app and the JSON API."""
    from web import create_app

    settings = ctx.settings
    if workers > 1:
        _serve_gunicorn(settings, host, port, threads, workers)
        return
    from waitress import serve as waitress_serve

    app = create_app({"SETTINGS": settings})
    click.echo(f"Serving on http://{host}:{port}/  (Ctrl+C to stop)")
    for line in demo_sign_in_lines(app.extensions["tracker"].state_engine,
                                   app.extensions["tracker"].tracker, f"http://{host}:{port}"):
        click.echo(line)
    try:
        waitress_serve(app, host=host, port=port, threads=threads, ident="tracker",
                       connection_limit=1000)
    finally:
        app.extensions["tracker"].close()


def _serve_gunicorn(settings: Any, host: str, port: int, threads: int, workers: int) -> None:
    """Run gunicorn in this process with one app per worker (built after the fork)."""
    from gunicorn.app.base import BaseApplication

    from web import create_app

    class Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("threads", threads)
            self.cfg.set("worker_class", "gthread")
            self.cfg.set("accesslog", "-")

        def load(self) -> Any:
            return create_app({"SETTINGS": settings})

    click.echo(f"Serving on http://{host}:{port}/ with {workers} worker processes")
    Server().run()


def demo_sign_in_lines(engine: Any, app: Any, base: str = "") -> list[str]:
    """How to sign in with the demo accounts (for those whose demo password still works), and
    which person of the demo plan each stands for."""
    from tracker.accounts import DEMO_ACCOUNTS, Accounts
    from tracker.accounts.demo import account_line, person_finder

    accounts = Accounts(engine)
    find = person_finder(app)
    lines = [account_line(login, role, person, password, find)
             for login, role, person, password in DEMO_ACCOUNTS
             if accounts.find(login) is not None and accounts.authenticate(login, password)]
    return [f"Sign in at {base}/login with a demo account:", *lines] if lines else []
