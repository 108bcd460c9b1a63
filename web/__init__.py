"""Flask + htmx web application: the app factory."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Flask, current_app, request
from werkzeug.middleware.proxy_fix import ProxyFix

from tracker.config import Settings
from web.extensions import init_extensions
from web.services import Services


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the Flask app on the settings (test_config may set INSTANCE, DATABASE_URL, …)."""
    config = dict(test_config or {})
    app = Flask(__name__, instance_relative_config=False)
    settings = config.pop("SETTINGS", None) or Settings.load(
        config.pop("INSTANCE", None), config.pop("DATABASE_URL", None))
    app.config.update(
        SECRET_KEY=settings.secret_key,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        MAX_CONTENT_LENGTH=16 * 1024 * 1024,
        BABEL_DEFAULT_LOCALE="zh_Hans_CN",
        BABEL_TRANSLATION_DIRECTORIES="translations",
        LANGUAGES={"zh_Hans_CN": "中文", "en": "English"},
        WTF_CSRF_TIME_LIMIT=None,
        WTF_CSRF_HEADERS=["X-CSRFToken"],
        PERMANENT_SESSION_LIFETIME=timedelta(hours=settings.session_max_hours),
        # The cookie is written when the session changes, not on every answer: the session
        # notes its use at most once a minute (web.auth.session.expire_session).
        SESSION_REFRESH_EACH_REQUEST=False,
    )
    app.config.update(config)
    if settings.trusted_proxies:  # X-Forwarded-For/-Proto/-Host from that many proxies only
        n = settings.trusted_proxies
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=n, x_proto=n, x_host=n, x_port=n, x_prefix=n)
    app.extensions["tracker"] = Services(settings, app.config)
    init_extensions(app)
    from web.blueprints import register_blueprints

    register_blueprints(app)
    app.before_request(_fresh_read_models)
    app.context_processor(_demo_banner)
    return app


from web.services import services  # noqa: E402


def _fresh_read_models() -> None:
    """Every page and API read sees what other processes wrote (see Services.fresh); a
    command route that syncs itself asks only where it renders without a command."""
    if request.endpoint == "static":
        return
    view = current_app.view_functions.get(request.endpoint or "")
    if not getattr(view, "syncs_itself", False):
        services().fresh()


def _demo_banner() -> dict[str, Any]:
    """Pages say when the store holds the demo plan (demo data, recorded on a simulated clock)."""
    from tracker.demo import DEMO_PLAN_KEY

    def demo_store() -> bool:
        return any(p["key"] == DEMO_PLAN_KEY for p in services().queries.list_plans())

    return {"demo_store": demo_store}
