"""A document as every exporter sees it: a title block, sections of tables, a signature block."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Light:
    """A traffic-light cell: its colour (red, yellow, green) and its word."""

    colour: str
    word: str

    def __str__(self) -> str:
        return self.word


@dataclass(frozen=True)
class Column:
    """A column: its heading, its width in characters of Chinese text, and its alignment."""

    label: str
    width: float
    numeric: bool = False


@dataclass
class Section:
    """A titled table (or a paragraph when it has no columns); `empty` says there is nothing."""

    title: str
    columns: list[Column]
    rows: list[list[Any]]
    empty: str = ""
    text: str = ""
    groups: dict[int, str] = field(default_factory=dict)  # row index → group heading before it
    in_csv: bool = False  # a later table the CSV carries too, after a blank line and its title

    @property
    def width(self) -> float:
        """The table's width in characters (to choose landscape and scale columns)."""
        return sum(c.width for c in self.columns)


@dataclass
class Document:
    """One handed-over paper: title block, sections in reading order, provenance, signature."""

    lang: str
    title: str
    subtitle: str
    sections: list[Section]
    provenance: str
    signature: list[str] = field(default_factory=list)  # 单位（盖章）/ 负责人签字 / 日期
    page_words: tuple[str, str, str] = ("第", "页 共", "页")  # around page and page count
    landscape: bool = True
    name: str = "document"

    @property
    def html_lang(self) -> str:
        """The document's language as an HTML lang attribute."""
        return "en" if self.lang == "en" else "zh-CN"
