"""The request's translations, looked up once: Flask-Babel looks them up again on every gettext
(about 10 µs each, its locale made a string every time), and an item page or a command's answer
asks for dozens of labels. They follow the request's locale, which Flask-Babel keeps for the
app context too."""

from __future__ import annotations

from typing import Any

from flask import Flask, g, has_app_context
from flask_babel import get_translations


def translations() -> Any:
    """The translations of the current request's language."""
    if not has_app_context():
        return get_translations()
    found = g.get("babel_translations")
    if found is None:
        found = g.babel_translations = get_translations()
    return found


def gettext(string: str, **variables: Any) -> str:
    """flask_babel.gettext, on the translations looked up once per request."""
    text: str = translations().ugettext(string)
    return text if not variables else text % variables


def install(app: Flask) -> None:
    """Templates' _(), ngettext and pgettext on the translations looked up once per request
    (what Flask-Babel installs, but for the lookup)."""
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
    )
