"""A Document's table as CSV: UTF-8 with a BOM (Excel on Chinese Windows), formulas neutralised."""

from __future__ import annotations

import csv
import io
from typing import IO

from projections.reports.document import Document
from projections.reports.xlsx_writer import text

BOM = "\ufeff"


def csv_text(document: Document) -> str:
    """The header and the rows of the document's first table, as CSV text with a BOM; a later
    table marked ``in_csv`` follows after a blank line and its title."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    tables = [s for s in document.sections if s.columns]
    for n, section in enumerate(tables):
        if n and not section.in_csv:
            continue
        if n:
            writer.writerow([])
            writer.writerow([text(section.title)])
        writer.writerow([text(c.label) for c in section.columns])
        for row in section.rows:
            writer.writerow([text(v) for v in row])
    return BOM + buffer.getvalue()


def write_csv(document: Document, target: str | IO[bytes]) -> None:
    """Write the CSV (UTF-8 with BOM) to a path or a binary file object."""
    data = csv_text(document).encode("utf-8")
    if isinstance(target, str):
        with open(target, "wb") as fp:
            fp.write(data)
    else:
        target.write(data)
