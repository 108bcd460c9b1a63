"""Helpers for looking at papers: LibreOffice converts DOCX/XLSX to PDF, poppler reads them."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

A4_LANDSCAPE = (841.9, 595.3)


def to_pdf(files: list[Path], outdir: Path) -> list[Path]:
    """Convert office files to PDF with a private LibreOffice profile; the PDFs' paths."""
    profile = (outdir / "lo-profile").as_uri()
    subprocess.run(["soffice", f"-env:UserInstallation={profile}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(outdir), *map(str, files)],
                   check=True, capture_output=True, timeout=240)
    return [outdir / f"{f.stem}.pdf" for f in files]


def info(pdf: Path) -> dict[str, str]:
    """pdfinfo's fields."""
    out = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True)
    return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in
                                                   out.stdout.splitlines())}


def page_count(pdf: Path) -> int:
    """How many pages."""
    return int(info(pdf)["Pages"])


def page_sizes(pdf: Path) -> list[tuple[float, float]]:
    """Each page's width and height in points."""
    out = subprocess.run(["pdfinfo", "-f", "1", "-l", "999", str(pdf)], check=True,
                         capture_output=True, text=True).stdout
    sizes = re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", out)
    return [(float(w), float(h)) for w, h in sizes]


def text(pdf: Path, page: int | None = None) -> str:
    """The PDF's text (pdftotext), of one page if given."""
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return subprocess.run(["pdftotext", *pages, str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout


def squeeze(value: str) -> str:
    """Text without whitespace (table cells wrap words across lines)."""
    return re.sub(r"\s+", "", value)


def holds(flat: str, title: str, pieces: int = 3) -> bool:
    """Whether a title is in the text, whole or wrapped into at most `pieces` lines (a
    spreadsheet's wrapped cell can come out after its neighbours' text)."""
    rest = squeeze(title)
    for _ in range(pieces):
        if rest in flat:
            return True
        size = next((n for n in range(len(rest) - 1, 0, -1) if rest[:n] in flat), 0)
        if size == 0:
            return False
        rest = rest[size:]
    return False
