"""No paper can be broken by its content: every exporter × every control character."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import openpyxl
import pytest
from docx import Document as read_docx

from projections.reports.csv_writer import BOM
from projections.reports.document import Column, Document, Light, Section
from projections.reports.export import write
from projections.reports.sanitise import clean

CONTROLS = [chr(c) for c in (*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0))]
ODD = [*CONTROLS, "\u2028", "\u2029", "\ufffe", "\uffff", "\ud800", "\udfff"]


def paper(bad: str) -> Document:
    section = Section(f"表{bad}一", [Column(f"名{bad}称", 10), Column("数", 4, True),
                                    Column("灯", 4)],
                      [[f"事项{bad}甲", 3, Light("red", f"红{bad}灯")], [f"={bad}1+1", 0.5, ""]],
                      groups={1: f"分组{bad}"})
    return Document(lang="zh", title=f"标题{bad}", subtitle=f"副{bad}标题", sections=[section],
                    provenance=f"来源{bad}", signature=[f"单位（盖章）{bad}："])


def opened(fmt: str, data: bytes) -> str:
    """Open the file as its reader would and give back its text."""
    if fmt == "docx":
        doc = read_docx(io.BytesIO(data))
        return "\n".join([p.text for p in doc.paragraphs] + [
            c.text for t in doc.tables for r in t.rows for c in r.cells])
    if fmt == "xlsx":
        book = openpyxl.load_workbook(io.BytesIO(data))
        return "\n".join(str(v) for s in book.worksheets for r in s.iter_rows(values_only=True)
                         for v in r if v is not None)
    if fmt == "csv":
        assert data.startswith(BOM.encode("utf-8"))
        return data.decode("utf-8")
    assert data.startswith(b"%PDF-")
    return ""


def exported(fmt: str, document: Document) -> bytes:
    buffer = io.BytesIO()
    write(document, fmt, buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("fmt", ["docx", "xlsx", "csv"])
@pytest.mark.parametrize("bad", ODD, ids=[f"U+{ord(c):04X}" for c in ODD])
def test_every_office_exporter_survives_every_control_character(fmt: str, bad: str) -> None:
    content = opened(fmt, exported(fmt, paper(bad)))
    assert "事项" in content and "红" in content
    odd = set(ODD) - {"\t", "\n", "\r"}
    assert not odd & set(content.replace("\r\n", "\n"))


def test_the_pdf_exporter_survives_every_control_character() -> None:
    everything = "".join(ODD)
    assert opened("pdf", exported("pdf", paper(everything))) == ""


@pytest.mark.parametrize("check", [
    lambda: clean("甲\v乙") == "甲\n乙",
    lambda: clean("a\r\nb\rc") == "a\nb\nc",
    lambda: clean("a\x00b\x1bc\x7f\x9fd") == "abcd",
    lambda: clean(None) == "" and clean(12) == "12",
    lambda: clean("tab\tstays") == "tab\tstays",
])
def test_the_sanitiser_breaks_lines_and_drops_what_no_format_holds(
        check: Callable[[], Any]) -> None:
    assert check()


def test_spreadsheet_cells_never_start_a_formula() -> None:
    book = openpyxl.load_workbook(io.BytesIO(exported("xlsx", paper("\v"))))
    values = [v for r in book.worksheets[0].iter_rows(values_only=True) for v in r if v]
    assert "'=\n1+1" in values
    assert "\"'=\n1+1\"" in exported("csv", paper("\v")).decode("utf-8")
