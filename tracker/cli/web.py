"""``tracker serve``: the web app under a production WSGI server (waitress, threaded)."""

from __future__ import annotations

from typing import Any

import click

from tracker.cli import Context, handles_errors, main, pass_ctx


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--threads", default=8, show_default=True, type=int)
@pass_ctx
@handles_errors
def serve(ctx: Context, host: str, port: int, threads: int) -> None:
    """Serve the web app and the JSON API."""
    from waitress import serve as waitress_serve

    from web import create_app

    app = create_app({"SETTINGS": ctx.settings})
    click.echo(f"Serving on http://{host}:{port}/  (Ctrl+C to stop)")
    for line in demo_sign_in_lines(app.extensions["tracker"].read_models.engine):
        click.echo(line)
    try:
        waitress_serve(app, host=host, port=port, threads=threads, ident="tracker")
    finally:
        app.extensions["tracker"].close()


def demo_sign_in_lines(engine: Any) -> list[str]:
    """How to sign in with the demo accounts, for those whose demo password still works."""
    from tracker.accounts import DEMO_ACCOUNTS, Accounts

    accounts = Accounts(engine)
    lines = [f"  {login:<8} password {password:<12} role {role}"
             for login, role, _person, password in DEMO_ACCOUNTS
             if accounts.find(login) is not None and accounts.authenticate(login, password)]
    return ["Sign in at /login with a demo account:", *lines] if lines else []
