"""A Document as a Word file: A4, widths for the content, repeated headers, page numbers."""

from __future__ import annotations

from typing import IO, Any

from docx import Document as new_docx
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from projections.reports.document import Document, Light, Section
from projections.reports.sanitise import clean

A4 = (Cm(21.0), Cm(29.7))
MARGIN = Cm(1.6)
FILL = {"red": "F4C7C3", "yellow": "FCE8B2", "green": "B7E1CD"}
FONT, TITLE_FONT = "SimSun", "SimHei"


def _font(run_or_style: Any, name: str, size: float | None = None, bold: bool = False) -> None:
    run_or_style.font.name = name
    if size:
        run_or_style.font.size = Pt(size)
    run_or_style.font.bold = bold or None
    rpr = run_or_style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), name)


def _paragraph(doc: Any, text: str, size: float, *, bold: bool = False, centre: bool = False,
               font: str = FONT, keep: bool = False) -> Any:
    para = doc.add_paragraph()
    _font(para.add_run(clean(text)), font, size, bold)
    if centre:
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    para.paragraph_format.keep_with_next = keep
    para.paragraph_format.space_after = Pt(4)
    return para


def _field(paragraph: Any, code: str) -> None:
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, code), ("separate", None), (None, "1"),
                       ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText" if text == code else "w:t")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)


def _page(doc: Any, landscape: bool) -> Any:
    section = doc.sections[0]
    width, height = (A4[1], A4[0]) if landscape else A4
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = width, height
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, MARGIN)
    return section


def _footer(section: Any, words: tuple[str, str, str]) -> None:
    para = section.footer.paragraphs[0]
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    before, middle, after = words
    para.add_run(before)
    _field(para, "PAGE")
    para.add_run(middle)
    _field(para, "NUMPAGES")
    para.add_run(after)


def _flag(element: Any, tag: str) -> None:
    flag = OxmlElement(tag)
    flag.set(qn("w:val"), "true")
    element.append(flag)


def _cell(cell: Any, value: Any, width: Any, *, bold: bool = False, right: bool = False) -> None:
    cell.width = width
    para = cell.paragraphs[0]
    para.paragraph_format.space_after = Pt(0)
    if right:
        para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _font(para.add_run(clean(value)), FONT, 8.5, bold)
    if isinstance(value, Light) and value.colour in FILL:
        shade = OxmlElement("w:shd")
        shade.set(qn("w:val"), "clear")
        shade.set(qn("w:fill"), FILL[value.colour])
        cell._tc.get_or_add_tcPr().append(shade)
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _table(doc: Any, section: Section, usable: int) -> None:
    scale = usable / max(section.width, 1)
    widths = [int(c.width * scale) for c in section.columns]
    table = doc.add_table(rows=1, cols=len(section.columns))
    table.style = "Table Grid"
    table.autofit = False
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    header = table.rows[0]
    _flag(header._tr.get_or_add_trPr(), "w:tblHeader")
    for cell, column, width in zip(header.cells, section.columns, widths, strict=True):
        _cell(cell, column.label, width, bold=True)
    for n, row in enumerate(section.rows):
        if n in section.groups:
            group = table.add_row()
            merged = group.cells[0].merge(group.cells[-1])
            _cell(merged, section.groups[n], sum(widths), bold=True)
        cells = table.add_row()
        _flag(cells._tr.get_or_add_trPr(), "w:cantSplit")
        for cell, value, column, width in zip(cells.cells, row, section.columns, widths,
                                              strict=True):
            _cell(cell, value, width, right=column.numeric)


def _signature(doc: Any, words: list[str]) -> None:
    table = doc.add_table(rows=1, cols=len(words))
    table.autofit = True
    for cell, word in zip(table.rows[0].cells, words, strict=True):
        para = cell.paragraphs[0]
        para.paragraph_format.space_before = Pt(24)
        _font(para.add_run(clean(word)), FONT, 12)
        _font(cell.add_paragraph().add_run(" "), FONT, 12)
    _flag(table.rows[0]._tr.get_or_add_trPr(), "w:cantSplit")


def write_docx(document: Document, target: str | IO[bytes]) -> None:
    """Write the document as DOCX to a path or a binary file object."""
    doc = new_docx()
    _font(doc.styles["Normal"], FONT, 10.5)
    page = _page(doc, document.landscape)
    usable = page.page_width - 2 * MARGIN
    _footer(page, document.page_words)
    _paragraph(doc, document.title, 16, bold=True, centre=True, font=TITLE_FONT)
    _paragraph(doc, document.subtitle, 10.5, centre=True)
    for section in document.sections:
        if section.title:
            _paragraph(doc, section.title, 12, bold=True, font=TITLE_FONT, keep=True)
        if not section.columns:
            _paragraph(doc, section.text, 10.5)
        elif not section.rows:
            _paragraph(doc, section.empty, 10.5)
        else:
            _table(doc, section, usable)
    note = _paragraph(doc, document.provenance, 8, keep=bool(document.signature))
    note.runs[0].font.color.rgb = RGBColor(0x48, 0x65, 0x81)
    if document.signature:
        _signature(doc, document.signature)
    doc.core_properties.title = clean(document.title)
    doc.save(target)
