"""Maintenance for the catalogues (``make catalogues``): the English one repeats its source text."""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po


def fill_english(path: Path) -> int:
    """Set every empty English msgstr to its msgid (the source strings are English)."""
    with path.open("rb") as fp:
        catalogue = read_po(fp, locale="en")
    filled = 0
    for message in catalogue:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            if not all(message.string or ()):
                message.string = (message.id[0], message.id[1])
                filled += 1
        elif not message.string:
            message.string = message.id
            filled += 1
        message.flags.discard("fuzzy")
    with path.open("wb") as fp:
        write_po(fp, catalogue, width=100)
    return filled


if __name__ == "__main__":
    print(f"{fill_english(Path(sys.argv[1]))} English strings filled")
