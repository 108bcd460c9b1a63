"""Both catalogues (Simplified Chinese and English) hold every UI string, none fuzzy or empty."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
LOCALES = ("zh_Hans_CN", "en")


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    pot = tmp_path_factory.mktemp("i18n") / "messages.pot"
    CommandLineInterface().run(["pybabel", "extract", "-F", str(ROOT / "babel.cfg"),
                                "-k", "N_", "-k", "_l", "-o", str(pot), str(ROOT)])
    with pot.open("rb") as fp:
        return {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(fp) if m.id}


@pytest.mark.parametrize("locale", LOCALES)
def test_catalogue_translates_every_extracted_string(locale: str, extracted: set[str]) -> None:
    po = ROOT / "web" / "translations" / locale / "LC_MESSAGES" / "messages.po"
    with po.open("rb") as fp:
        catalogue = read_po(fp)
    translated = {}
    for message in catalogue:
        if not message.id:
            continue
        key = message.id if isinstance(message.id, str) else message.id[0]
        text = message.string if isinstance(message.string, str) else message.string[0]
        if text and not message.fuzzy:
            translated[key] = text
    missing = sorted(extracted - set(translated))
    assert missing == [], f"{len(missing)} untranslated in {locale}: {missing[:10]}"


def test_chinese_catalogue_really_is_chinese() -> None:
    po = ROOT / "web" / "translations" / "zh_Hans_CN" / "LC_MESSAGES" / "messages.po"
    with po.open("rb") as fp:
        catalogue = read_po(fp)
    texts = [m.string for m in catalogue if m.id and isinstance(m.string, str) and m.string]
    with_cjk = [t for t in texts if any("\u4e00" <= ch <= "\u9fff" for ch in t)]
    assert len(with_cjk) >= 0.8 * len(texts)


@pytest.mark.parametrize(("accept", "locale"), [("zh-CN", "zh_Hans_CN"), ("en", "en")])
def test_the_translations_looked_up_once_per_request_say_what_flask_babel_says(
        tmp_path: Path, accept: str, locale: str) -> None:
    import flask_babel
    from flask import render_template_string

    from web import create_app, i18n

    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}",
                      "INSTANCE": str(tmp_path / "instance"), "TESTING": True,
                      "WEBHOOKS_ENABLED": False})
    po = ROOT / "web" / "translations" / locale / "LC_MESSAGES" / "messages.po"
    with po.open("rb") as fp:
        ids = [m.id for m in read_po(fp) if isinstance(m.id, str) and m.id
               and "%(" not in m.id]
    try:
        with app.test_request_context(headers={"Accept-Language": accept}):
            assert [i18n.gettext(i) for i in ids] == [flask_babel.gettext(i) for i in ids]
            assert i18n.gettext("Version %(v)s", v=3) == flask_babel.gettext("Version %(v)s",
                                                                             v=3)
            shown = render_template_string("{{ _('Details') }}|{{ _('Version %(v)s', v=3) }}")
            assert shown == f"{flask_babel.gettext('Details')}|" \
                            f"{flask_babel.gettext('Version %(v)s', v=3)}"
    finally:
        app.extensions["tracker"].close()
