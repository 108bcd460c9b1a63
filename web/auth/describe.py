"""Audit sentences for account events (sign-ins, locks, password and token changes)."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from web.audit.describe import RENDERERS

SENTENCES = {
    "SignedIn": _l("%(login)s signed in from %(client)s"),
    "SignInFailed": _l("A sign-in as %(login)s from %(client)s failed"),
    "Locked": _l("After repeated failures, sign-ins as %(login)s wait %(seconds)s seconds "
                 "(last attempt from %(client)s)"),
    "PasswordChanged": _l("The password of %(login)s was changed"),
    "TokenIssued": _l("API token %(token)s was issued to %(login)s"),
    "TokenRevoked": _l("API token %(token)s of %(login)s was revoked"),
    "Disabled": _l("The account %(login)s was disabled"),
    "Enabled": _l("The account %(login)s was enabled"),
}


def describe_account(data: dict[str, Any], row: dict[str, Any], people: dict[str, str]) -> str:
    """One account event as a sentence."""
    sentence = SENTENCES.get(row["event_type"])
    if sentence is None:
        return _("%(login)s: %(event)s", login=data.get("login", "?"), event=row["event_type"])
    values = {"login": "?", "client": "?", "seconds": "?", "token": "?", **data}
    return str(sentence) % values


RENDERERS["Account"] = describe_account
