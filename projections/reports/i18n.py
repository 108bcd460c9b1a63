"""Translation for documents built outside Flask: the web's catalogues, loaded by Babel."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

from babel.support import NullTranslations, Translations

# The catalogues are data files kept beside the web package; reading them imports nothing.
CATALOGUES = Path(__file__).resolve().parents[2] / "web" / "translations"
LANGS = {"zh": "zh_Hans_CN", "en": "en"}


class Gettext(Protocol):
    """What a translations object offers (Babel's and Flask-Babel's alike)."""

    def gettext(self, message: str) -> str: ...

    def ngettext(self, singular: str, plural: str, n: int) -> str: ...


class Lang:
    """One language's gettext with %-style parameters, as Flask-Babel's ``gettext``."""

    def __init__(self, code: str, translations: Gettext) -> None:
        self.code = code
        self.translations = translations

    @property
    def zh(self) -> bool:
        """Whether this is the Chinese document (Chinese typography and dates)."""
        return self.code != "en"

    def __call__(self, msgid: str, **params: Any) -> str:
        text = self.translations.gettext(msgid)
        return text % params if params else text

    def date(self, day: Any) -> str:
        """A date as 2012年3月29日 in Chinese, 29 March 2012 in English; '' for none."""
        if day is None:
            return ""
        if self.zh:
            return f"{day.year}年{day.month}月{day.day}日"
        return f"{day.day} {day.strftime('%B')} {day.year}"


@lru_cache(maxsize=4)
def _load(locale: str) -> Gettext:
    found = Translations.load(str(CATALOGUES), [locale])
    return found if isinstance(found, Translations) else NullTranslations()


def lang(code: str | None) -> Lang:
    """The Lang for 'zh' (default) or 'en' (or a Babel locale name such as zh_Hans_CN)."""
    code = code or "zh"
    short = "en" if code.startswith("en") else "zh"
    return Lang(short, _load(LANGS[short]))


def of_locale(locale: str, translations: Gettext) -> Lang:
    """A Lang over translations someone else loaded (the web's, per request)."""
    return Lang("en" if locale.startswith("en") else "zh", translations)
