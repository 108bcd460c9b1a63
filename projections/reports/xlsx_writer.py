"""A Document as a workbook: title rows, frozen header, widths, A4 landscape fit to width."""

from __future__ import annotations

import math
import re
from typing import IO, Any

import xlsxwriter

from projections.reports.document import Document, Light, Section
from projections.reports.sanitise import clean
from tracker.auditchain import neutralise

FILL = {"red": "#F4C7C3", "yellow": "#FCE8B2", "green": "#B7E1CD"}
FONT = "SimSun"
MAX_CELL = 32000


def text(value: Any) -> str:
    """A cell's text: clean, formula-neutralised, within the cell limit."""
    return str(neutralise(clean(value)))[:MAX_CELL]


def _sheet_name(title: str, n: int, used: set[str]) -> str:
    name = re.sub(r"[\[\]:*?/\\']", " ", clean(title)).strip()[:28] or f"{n}"
    while name in used:
        name = f"{name[:26]}{n}"
    used.add(name)
    return name


class _Formats:
    def __init__(self, book: Any) -> None:
        base = {"font_name": FONT, "font_size": 10, "text_wrap": True, "valign": "top",
                "border": 1}
        self.title = book.add_format({"font_name": FONT, "font_size": 16, "bold": True,
                                      "align": "center", "valign": "vcenter"})
        self.subtitle = book.add_format({"font_name": FONT, "font_size": 10, "align": "center"})
        self.note = book.add_format({"font_name": FONT, "font_size": 8, "font_color": "#486581",
                                     "text_wrap": True, "valign": "top"})
        self.header = book.add_format({**base, "bold": True, "bg_color": "#E3EAF2",
                                       "align": "center", "valign": "vcenter"})
        self.group = book.add_format({**base, "bold": True, "bg_color": "#F0F4F8"})
        self.cell = book.add_format(base)
        self.number = book.add_format({**base, "align": "right"})
        self.light = {c: book.add_format({**base, "bg_color": f, "align": "center"})
                      for c, f in FILL.items()}


def _lines(value: Any, width: float) -> int:
    """How many lines a wrapped cell needs (wide characters count twice)."""
    cells = max(width * 2, 1)  # the column's width in units of a narrow character
    return sum(max(1, math.ceil(sum(2.4 if ord(ch) > 0x2E7F else 1.1 for ch in part) / cells))
               for part in clean(value).split("\n"))


def _footer(words: tuple[str, str, str]) -> str:
    before, middle, after = (w.replace("&", "&&") for w in words)
    return f"&C{before}&P{middle}&N{after}"


def _write(sheet: Any, r: int, c: int, value: Any, fmt: _Formats, numeric: bool) -> None:
    if isinstance(value, Light) and value.colour in fmt.light:
        sheet.write_string(r, c, text(value.word), fmt.light[value.colour])
    elif isinstance(value, int | float) and not isinstance(value, bool):
        sheet.write_number(r, c, value, fmt.number)
    else:
        sheet.write_string(r, c, text(value), fmt.number if numeric else fmt.cell)


def _section(book: Any, document: Document, section: Section, name: str, fmt: _Formats,
             last: bool) -> None:
    sheet = book.add_worksheet(name)
    width = max(len(section.columns), 1) - 1
    sheet.merge_range(0, 0, 0, width, text(document.title), fmt.title)
    sheet.set_row(0, 30)
    subtitle = document.subtitle + (("　" + section.title) if section.title else "")
    sheet.merge_range(1, 0, 1, width, text(subtitle), fmt.subtitle)
    for c, column in enumerate(section.columns):
        sheet.set_column(c, c, column.width * 2 + 2)
        sheet.write_string(3, c, text(column.label), fmt.header)
    sheet.set_row(3, 16 * max((_lines(c.label, c.width) for c in section.columns), default=1))
    r = 4
    if not section.rows:
        sheet.merge_range(r, 0, r, width, text(section.empty), fmt.cell)
        r += 1
    for n, row in enumerate(section.rows):
        if n in section.groups:
            sheet.merge_range(r, 0, r, width, text(section.groups[n]), fmt.group)
            r += 1
        for c, (value, column) in enumerate(zip(row, section.columns, strict=True)):
            _write(sheet, r, c, value, fmt, column.numeric)
        lines = max(_lines(v, c.width) for v, c in zip(row, section.columns, strict=True))
        sheet.set_row(r, 16 * min(lines, 30))
        r += 1
    sheet.merge_range(r + 1, 0, r + 1, width, text(document.provenance), fmt.note)
    sheet.set_row(r + 1, 30)
    if last and document.signature:
        step = max(1, (width + 1) // len(document.signature))
        for i, word in enumerate(document.signature):
            sheet.write_string(r + 3, i * step, text(word), fmt.subtitle)
    sheet.freeze_panes(4, 0)
    sheet.repeat_rows(3)
    sheet.set_paper(9)
    if document.landscape:
        sheet.set_landscape()
    sheet.fit_to_pages(1, 0)
    sheet.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.7)
    sheet.set_footer(_footer(document.page_words))


def write_xlsx(document: Document, target: str | IO[bytes]) -> None:
    """Write each section as a sheet of its own (one sheet for a one-table document)."""
    book = xlsxwriter.Workbook(target, {"strings_to_formulas": False, "strings_to_urls": False,
                                        "strings_to_numbers": False})
    try:
        fmt = _Formats(book)
        used: set[str] = set()
        tables = [s for s in document.sections if s.columns]
        for n, section in enumerate(tables, 1):
            name = _sheet_name(section.title or document.title, n, used)
            _section(book, document, section, name, fmt, n == len(tables))
    finally:
        book.close()
