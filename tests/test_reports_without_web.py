"""``tracker export ledger|review|items`` runs with the ``web`` package (and Flask) unimportable."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import openpyxl
from docx import Document

# A meta-path finder that refuses web and flask, installed before the CLI starts.
BLOCKER = """
import sys
class Blocker:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("web", "flask", "flask_babel"):
            raise ImportError(f"{name} is blocked in this test")
        return None
sys.meta_path.insert(0, Blocker())
from tracker.cli import main
sys.exit(main())
"""


def tracker(tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    db = f"sqlite:///{tmp / 'store.db'}"
    return subprocess.run([sys.executable, "-c", BLOCKER, "--db", db, "--instance",
                           str(tmp / "instance"), *args], capture_output=True, text=True,
                          timeout=300, cwd=tmp)


def test_ledger_review_and_register_export_without_the_web_package(tmp_path: Path) -> None:
    for step in (["init"], ["demo"]):
        done = tracker(tmp_path, *step)
        assert done.returncode == 0, done.stderr
    ledger, review = tmp_path / "ledger.xlsx", tmp_path / "review.docx"
    done = tracker(tmp_path, "export", "ledger", "--plan", "ogy", "--format", "xlsx",
                   "--output", str(ledger))
    assert done.returncode == 0, done.stderr
    done = tracker(tmp_path, "export", "review", "--plan", "ogy", "--format", "docx",
                   "--output", str(review))
    assert done.returncode == 0, done.stderr
    names = [r[0] for r in openpyxl.load_workbook(ledger).worksheets[0].iter_rows(
        min_row=5, values_only=True)]
    assert names[:3] == ["总支书记", "院长", "副书记"]  # the plan's rank order, by name
    doc = Document(str(review))
    assert "总结考评报告" in doc.paragraphs[0].text
    assert "单位（盖章）" in doc.tables[-1].rows[0].cells[0].text
    items = tmp_path / "items.csv"
    done = tracker(tmp_path, "export", "items", "--format", "csv", "--output", str(items))
    assert done.returncode == 0, done.stderr
    assert items.read_bytes().startswith(b"\xef\xbb\xbf")


def test_blocker_really_blocks_web(tmp_path: Path) -> None:
    probe = BLOCKER.replace("from tracker.cli import main\nsys.exit(main())", "import web")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode != 0 and "blocked" in done.stderr
