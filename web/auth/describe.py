"""Audit sentences for account events (sign-ins, locks, password and token changes)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from tracker.accounts.audit import Account
from web.audit.describe import RENDERERS
from web.labels import ROLE, actor_name
from web.services import services

SENTENCES = {
    Account.SignedIn.__name__: _l("%(login)s signed in from %(client)s"),
    Account.SignInFailed.__name__: _l("A sign-in as %(login)s from %(client)s failed"),
    Account.Locked.__name__: _l("After repeated failures, sign-ins as %(login)s wait "
                                "%(seconds)s seconds (last attempt from %(client)s)"),
    Account.PasswordChanged.__name__: _l("The password of %(login)s was changed"),
    Account.TokenIssued.__name__: _l("API token %(token)s was issued to %(login)s"),
    Account.TokenRevoked.__name__: _l("API token %(token)s of %(login)s was revoked"),
    Account.Disabled.__name__: _l("The account %(login)s was disabled"),
    Account.Enabled.__name__: _l("The account %(login)s was enabled"),
}


def account_shown(login: object, people: Mapping[str, str]) -> str:
    """An account as a reader knows it: the person it stands for, or its role in words; a
    login no account has (a failed sign-in) as it was typed."""
    if not isinstance(login, str):
        return "?"
    user = services().accounts.find(login)
    if user is not None and user.person is not None and user.person in people:
        return people[user.person]
    if login in ROLE or user is not None:
        return actor_name(f"user:{login}", people)
    return login


def describe_account(data: dict[str, Any], row: dict[str, Any], people: Mapping[str, str]) -> str:
    """One account event as a sentence."""
    sentence = SENTENCES.get(row["event_type"])
    shown = account_shown(data.get("login", "?"), people)
    if sentence is None:
        return _("%(login)s: %(event)s", login=shown, event=row["event_type"])
    values = {"client": "?", "seconds": "?", "token": "?", **data, "login": shown}
    return str(sentence) % values


RENDERERS[Account.__name__] = describe_account
