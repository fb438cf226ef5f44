"""Cells for every CSV or XLSX the product writes, safe to open in a spreadsheet program; and
the delimiter of a CSV it reads (Danish Excel writes semicolons, most CRMs commas).

A cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return is read by Excel,
LibreOffice and Google Sheets as a formula (`=HYPERLINK(…)`, `+cmd|' /C calc'!A0`, `@SUM(…)`),
so text typed by one person could run in another's spreadsheet. As OWASP recommends (CSV
Injection), such text is prefixed with a single quote, which the programs show as text. Numbers
stay numbers: a numeric value is left alone, and so is text that is only a plain number such as
`-12.5` or `+45`, which no program reads as a formula.
"""

import csv
import re
from collections import Counter
from collections.abc import Iterable
from typing import Any

CSV_DELIMITERS = (";", ",", "\t")
SNIFF_LINES = 30

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


def sniff_delimiter(text: str) -> str:
    """Return the delimiter that splits the first lines into the most consistent, widest rows."""
    end = 0
    for _ in range(SNIFF_LINES):  # only the head is split: a CRM's log file runs to hundreds of MB
        end = text.find("\n", end) + 1
        if end == 0:
            end = len(text)
            break
    sample = [line for line in text[:end].splitlines()[:SNIFF_LINES] if line.strip()]
    best, best_score = ",", (0, 0)
    for delimiter in CSV_DELIMITERS:
        widths = [len(row) for row in csv.reader(sample, delimiter=delimiter)]
        if not widths:
            continue
        width, count = Counter(widths).most_common(1)[0]
        score = (count if width > 1 else 0, width)
        if score > best_score:
            best, best_score = delimiter, score
    return best
