"""``tracker serve``: the web app under a production WSGI server (waitress, threaded)."""

from __future__ import annotations

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
    try:
        from tracker.accounts import demo_login_hint
    except ImportError:
        pass
    else:
        hint = demo_login_hint(app.extensions["tracker"].read_models.engine)
        if hint:
            click.echo(hint)
    try:
        waitress_serve(app, host=host, port=port, threads=threads, ident="tracker")
    finally:
        app.extensions["tracker"].close()
