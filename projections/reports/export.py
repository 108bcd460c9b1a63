"""One entry to write any paper in any format: the exporters share the sanitiser and model."""

from __future__ import annotations

from collections.abc import Callable
from typing import IO

from projections.reports.csv_writer import write_csv
from projections.reports.document import Document
from projections.reports.docx_writer import write_docx
from projections.reports.render import write_pdf
from projections.reports.xlsx_writer import write_xlsx

Writer = Callable[[Document, "str | IO[bytes]"], None]
WRITERS: dict[str, Writer] = {"docx": write_docx, "xlsx": write_xlsx, "csv": write_csv,
                              "pdf": write_pdf}
MIME = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "csv": "text/csv; charset=utf-8", "pdf": "application/pdf"}


def write(document: Document, fmt: str, target: str | IO[bytes]) -> None:
    """Write the document in the format (docx, xlsx, csv or pdf)."""
    WRITERS[fmt](document, target)
