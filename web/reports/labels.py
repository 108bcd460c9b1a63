"""The read side's report labels in the request's language (the web only renders)."""

from __future__ import annotations

from flask_babel import get_locale, get_translations

from projections.reports import labels
from projections.reports.i18n import Lang, of_locale


def lang() -> Lang:
    """The request's language as the read side's Lang (Flask-Babel's loaded catalogue)."""
    return of_locale(str(get_locale() or "zh_Hans_CN"), get_translations())


def nomination(kind: str) -> str:
    """What a nomination puts someone forward as, in the current language."""
    return labels.nomination(lang(), kind)


def criterion(key: str) -> str:
    """A grading criterion's name in the current language."""
    return labels.criterion(lang(), key)


def column(key: str) -> str:
    """A column's name in the current language."""
    return labels.column(lang(), key)


def grade(key: str) -> str:
    """A grade's name in the current language."""
    return labels.grade(lang(), key)


def direction(key: str) -> str:
    """Up or down, in the current language."""
    return labels.direction(lang(), key)


def handover(key: str) -> str:
    """Took over 接手 or handed over 移交, in the current language."""
    return labels.handover(lang(), key)
