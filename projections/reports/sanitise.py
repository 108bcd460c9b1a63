"""The one sanitiser every exporter uses for characters a document format cannot hold."""

from __future__ import annotations

import re
from typing import Any

# Line separators (as Word pastes a manual line break: a vertical tab) become line breaks.
_BREAKS = re.compile("\r\n|[\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")
# Other C0/C1 controls, DEL, lone surrogates and the non-characters XML refuses are dropped.
_DROP = re.compile("[\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")


def clean(value: Any) -> str:
    """The text of a value ('' for None) with only characters DOCX, XLSX, CSV and PDF hold."""
    if value is None:
        return ""
    return _DROP.sub("", _BREAKS.sub("\n", str(value)))


def cell(value: Any) -> Any:
    """A table cell: numbers stay numbers, anything else becomes clean text."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return clean(value)
