"""Cells for every CSV or XLSX the product writes, safe to open in a spreadsheet program.

A cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return is read by Excel,
LibreOffice and Google Sheets as a formula (`=HYPERLINK(…)`, `+cmd|' /C calc'!A0`, `@SUM(…)`),
so text typed by one person could run in another's spreadsheet. As OWASP recommends (CSV
Injection), such text is prefixed with a single quote, which the programs show as text. Numbers
stay numbers: a numeric value is left alone, and so is text that is only a plain number such as
`-12.5` or `+45`, which no program reads as a formula.
"""

import re
from collections.abc import Iterable
from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?")


def neutralise_formula(text: str) -> str:
    """Return `text`, prefixed with `'` when a spreadsheet would read it as a formula."""
    if text.startswith(FORMULA_PREFIXES) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def safe_cell(value: Any) -> Any:
    """Return a cell value to write: text neutralised, numbers (and anything not text) unchanged."""
    return neutralise_formula(value) if isinstance(value, str) else value


def safe_row(cells: Iterable[Any]) -> list[Any]:
    """Return a row of cells, each made safe with `safe_cell`."""
    return [safe_cell(cell) for cell in cells]
