"""Papers as HTML (the print view) and as PDF from that same HTML (WeasyPrint)."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import IO

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from projections.reports.document import Document
from projections.reports.sanitise import clean

TEMPLATES = Path(__file__).resolve().parent / "templates"


@lru_cache(maxsize=1)
def _env() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(
        ["html"]), trim_blocks=True, lstrip_blocks=True)
    env.globals["clean"] = clean
    return env


def paper_html(document: Document) -> Markup:
    """The paper as an HTML fragment (an <article>), for the print view and the PDF."""
    return Markup(_env().get_template("paper.html").render(doc=document))


def paper_css(words: tuple[str, str, str]) -> str:
    """The paper stylesheet with the page-number words of one language."""
    before, middle, after = (json.dumps(w, ensure_ascii=False) for w in words)
    return _env().get_template("paper.css").render(before=before, middle=middle, after=after)


def standalone_html(document: Document) -> str:
    """A whole HTML page holding the paper and its stylesheet (what the PDF is made from)."""
    return (f'<!doctype html><html lang="{document.html_lang}"><head><meta charset="utf-8">'
            f"<title>{Markup.escape(clean(document.title))}</title>"
            f"<style>{paper_css(document.page_words)}</style></head>"
            f"<body>{paper_html(document)}</body></html>")


def write_pdf(document: Document, target: str | IO[bytes]) -> None:
    """Render the paper's HTML to PDF with WeasyPrint (fonts from the system: Noto CJK)."""
    from weasyprint import HTML

    HTML(string=standalone_html(document)).write_pdf(target, presentational_hints=True)
