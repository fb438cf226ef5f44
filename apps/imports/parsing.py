"""Reading personal spreadsheets: CSV and XLSX files, headers, dates and amounts. No database.

Everything here is a pure function of its inputs, so the rules can be tested in isolation and
the preview (dry run) and the real import read a file exactly the same way.
"""

import codecs
import csv
import datetime as dt
import io
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.utils.translation import gettext as _

from apps.core.spreadsheets import sniff_delimiter

Cell = str | int | float | Decimal | bool | dt.datetime | dt.date | dt.time | None

# How many leading rows may hold a title or notes before the real header row.
HEADER_SEARCH_ROWS = 10
EXCEL_EPOCH = dt.date(1899, 12, 30)
# Excel serial numbers for 1954-10-03 and 2119-01-08: a plausible range for CRM data, so a
# plain number such as an amount is not mistaken for a date.
EXCEL_SERIAL_RANGE = (20000, 80000)


class FileFormatError(ValueError):
    """The file cannot be read as a spreadsheet; the message is safe to show."""


class CellError(ValueError):
    """One cell cannot be read as the value its column needs; the message is safe to show."""


# --- Reading files -------------------------------------------------------------------------

# A cell longer than Excel's own limit is not a spreadsheet value: the row is refused, with this
# limit named. The csv module's own limit is raised to the file limit so it never stops a file.
MAX_CELL_CHARS = 32_767
MAX_FILE_BYTES = 25 * 1024 * 1024
MAX_COLUMN_NAME_CHARS = 100


def decode_csv_bytes(data: bytes) -> str:
    """Return the text of a CSV file, NUL characters removed.

    UTF-16 and UTF-8 by their byte-order mark, UTF-16 without one by its NUL bytes (every second
    byte of Latin text), else UTF-8, else Windows-1252 (old Danish Excel). A file with NUL bytes
    in any other pattern is not text.
    """
    for bom, encoding in ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                          (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
                          (codecs.BOM_UTF8, "utf-8-sig")):
        if data.startswith(bom):
            try:
                return data.decode(encoding).replace("\x00", "")
            except UnicodeDecodeError as error:
                raise FileFormatError(_("The file says it is %(encoding)s but is not.") % {
                    "encoding": encoding.upper().removesuffix("-SIG")}) from error
    head = data[:4096]
    if head and head.count(0) > len(head) // 4:
        even, odd = head[0::2].count(0), head[1::2].count(0)
        encoding = "utf-16-le" if odd > even else "utf-16-be"
        try:
            return data.decode(encoding).replace("\x00", "")
        except UnicodeDecodeError as error:
            raise FileFormatError(_("This file is not text: save it as CSV (UTF-8) or .xlsx.")) from error
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    return text.replace("\x00", "")


def iter_csv_rows(text: str, delimiter: str) -> Iterator[list[Cell]]:
    """Yield every record of a CSV text as a list of stripped strings."""
    if csv.field_size_limit() < MAX_FILE_BYTES:
        csv.field_size_limit(MAX_FILE_BYTES)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for row in reader:
            yield [cell.strip() for cell in row]
    except csv.Error as error:
        raise FileFormatError(_("Line %(line)s of the file cannot be read as CSV: %(error)s") % {
            "line": reader.line_num, "error": error}) from error


def iter_xlsx_rows(path: Path) -> Iterator[list[Cell]]:
    """Yield every row of the first worksheet, with Excel's own cell types (dates stay dates)."""
    from zipfile import BadZipFile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, BadZipFile, KeyError, OSError, ValueError) as error:
        raise FileFormatError(_("This is not a readable Excel (.xlsx) file.")) from error
    try:
        sheet = workbook.worksheets[0]
        for values in sheet.iter_rows(values_only=True):
            yield [value.replace("\x00", "").strip() if isinstance(value, str) else value for value in values]
    except (BadZipFile, KeyError, OSError, ValueError, SyntaxError) as error:  # a damaged sheet
        raise FileFormatError(_("This is not a readable Excel (.xlsx) file.")) from error
    finally:
        workbook.close()


@dataclass(frozen=True)
class SourceFile:
    """A file on disk and how to read it."""

    path: Path
    extension: str  # "csv" or "xlsx"
    delimiter: str = ""

    def rows(self) -> Iterator[list[Cell]]:
        """Yield every row of the file, blank ones included."""
        if self.extension == "xlsx":
            yield from iter_xlsx_rows(self.path)
            return
        text = decode_csv_bytes(self.path.read_bytes())
        yield from iter_csv_rows(text, self.delimiter or sniff_delimiter(text))


def open_source(path: Path, extension: str) -> SourceFile:
    """Return a SourceFile, sniffing the delimiter of a CSV once."""
    extension = extension.lower()
    if extension not in ("csv", "xlsx"):
        raise FileFormatError(_("Only .csv and .xlsx files can be imported."))
    if extension == "csv":
        return SourceFile(path, "csv", sniff_delimiter(decode_csv_bytes(path.read_bytes()[:65536])))
    return SourceFile(path, "xlsx")


def is_blank(value: Cell) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def is_blank_row(cells: Sequence[Cell]) -> bool:
    return all(is_blank(c) for c in cells)


def cell_text(value: Cell) -> str:
    """Return a cell as the text a person would see in the spreadsheet."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M") if (value.hour, value.minute) != (0, 0) else value.strftime("%Y-%m-%d")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# --- Header detection and auto-mapping -----------------------------------------------------

def normalise_header(text: str) -> str:
    """Return a header reduced to lower-case letters and digits, accents removed, for matching."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[^0-9a-zæø]+", " ", plain).strip()


def match_field(header: str, synonyms: Mapping[str, Sequence[str]]) -> str | None:
    """Return the field whose synonyms contain this header (exactly, after normalising)."""
    key = normalise_header(header)
    if not key:
        return None
    for field_name, words in synonyms.items():
        if key in {normalise_header(w) for w in words}:
            return field_name
    return None


@dataclass(frozen=True)
class Shape:
    """Where the header row is, and the column names (blank headers named by position)."""

    header_index: int  # 0-based index of the header row among all rows
    columns: list[str]


def column_letter(index: int) -> str:
    """Return the spreadsheet letter of a 0-based column index (0 → A, 26 → AA)."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def detect_shape(head_rows: Sequence[Sequence[Cell]], synonyms: Mapping[str, Sequence[str]]) -> Shape:
    """Find the header row among the first rows: the one naming most known fields.

    A personal spreadsheet often starts with a title or a blank line; when no row names a known
    field the first non-blank row is taken as the header and the person maps it by hand.
    """
    best_index, best_hits = -1, 0
    first_non_blank = -1
    for index, row in enumerate(head_rows[:HEADER_SEARCH_ROWS]):
        if is_blank_row(row):
            continue
        if first_non_blank < 0:
            first_non_blank = index
        hits = sum(1 for cell in row if isinstance(cell, str) and match_field(cell, synonyms))
        if hits > best_hits:
            best_index, best_hits = index, hits
    index = best_index if best_index >= 0 else first_non_blank
    if index < 0:
        raise FileFormatError(_("The file is empty."))
    header = list(head_rows[index])
    while header and is_blank(header[-1]):
        header.pop()
    columns = [
        cell_text(cell)[:MAX_COLUMN_NAME_CHARS] or _("Column %(letter)s") % {"letter": column_letter(i)}
        for i, cell in enumerate(header)
    ]
    return Shape(header_index=index, columns=columns)


def auto_mapping(columns: Sequence[str], synonyms: Mapping[str, Sequence[str]]) -> dict[str, int]:
    """Return field → column index for every column whose header names a field (first one wins)."""
    mapping: dict[str, int] = {}
    for index, column in enumerate(columns):
        field_name = match_field(column, synonyms)
        if field_name and field_name not in mapping:
            mapping[field_name] = index
    return mapping


def data_rows(source_rows: Iterable[list[Cell]], shape: Shape) -> Iterator[tuple[int, list[Cell]]]:
    """Yield (row number as the spreadsheet shows it, cells) for each non-blank row after the header."""
    for index, row in enumerate(source_rows):
        if index <= shape.header_index or is_blank_row(row):
            continue
        yield index + 1, row


# --- Dates ---------------------------------------------------------------------------------

MONTHS = {
    # Danish
    "januar": 1, "februar": 2, "marts": 3, "april": 4, "maj": 5, "juni": 6, "juli": 7, "august": 8,
    "september": 9, "oktober": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "okt": 10,
    "nov": 11, "dec": 12,
    # English
    "january": 1, "february": 2, "march": 3, "may": 5, "june": 6, "july": 7, "october": 10, "oct": 10,
}
_TIME = r"(?:[ T]+(?:kl\.?\s*)?(?P<hour>\d{1,2})[:.](?P<minute>\d{2})(?::\d{2}(?:\.\d+)?)?)?"
ISO_DATE = re.compile(
    r"^(?P<year>\d{4})[-/.](?P<month>\d{1,2})[-/.](?P<day>\d{1,2})" + _TIME + r"(?:Z|[+-]\d{2}:?\d{2})?$"
)
NUMERIC_DATE = re.compile(r"^(?P<a>\d{1,2})(?P<sep>[./-])(?P<b>\d{1,2})(?P=sep)(?P<year>\d{4}|\d{2})" + _TIME + "$")
# "20. oktober 2016", "20 okt. 2016", "torsdag d. 20. oktober 2016", "20-okt-2016"
DAY_MONTH_NAME = re.compile(
    r"^(?:[a-zæøå]+dag,?\s+)?(?:d\.\s*)?(?P<day>\d{1,2})\.?[\s-]+(?P<month>[a-zæøå]+)\.?[\s-]+(?P<year>\d{4})"
    + _TIME + "$"
)
# "October 20, 2016", "Oct 20 2016"
MONTH_NAME_DAY = re.compile(r"^(?P<month>[a-z]+)\.?\s+(?P<day>\d{1,2}),?\s+(?P<year>\d{4})" + _TIME + "$")


@dataclass(frozen=True)
class DateOrder:
    """Which way round ambiguous numeric dates (03/04/2016) are read, and the evidence for it."""

    day_first: bool
    day_first_evidence: int  # dates such as 20/10/2016: only day-month makes sense
    month_first_evidence: int  # dates such as 10/20/2016: only month-day makes sense
    ambiguous: int  # dates such as 03/04/2016: either is possible


def _numeric_parts(value: Cell) -> tuple[int, int] | None:
    if not isinstance(value, str):
        return None
    match = NUMERIC_DATE.match(value.strip())
    return (int(match["a"]), int(match["b"])) if match else None


def detect_date_order(values: Iterable[Cell]) -> DateOrder:
    """Decide from all numeric dates of a column whether the file writes the day or the month first.

    Unambiguous dates vote; a tie (or no evidence) falls back to day first, the Danish and
    European convention.
    """
    day_first = month_first = ambiguous = 0
    for value in values:
        parts = _numeric_parts(value)
        if parts is None:
            continue
        a, b = parts
        if a > 12 >= b:
            day_first += 1
        elif b > 12 >= a:
            month_first += 1
        elif a != b and a <= 12 and b <= 12:
            ambiguous += 1
    return DateOrder(month_first <= day_first, day_first, month_first, ambiguous)


def _year(text: str) -> int:
    year = int(text)
    if len(text) == 2:
        # Two-digit years: 00–69 are this century, 70–99 the last (as spreadsheets do).
        year += 2000 if year < 70 else 1900
    return year


def _build(
    year: int, month: int, day: int, hour: str | None, minute: str | None, original: str
) -> dt.date | dt.datetime:
    try:
        if hour is not None and minute is not None:
            return dt.datetime(year, month, day, int(hour), int(minute))  # local wall time; the service makes it aware
        return dt.date(year, month, day)
    except ValueError as error:
        raise CellError(_("“%(value)s” is not a real date.") % {"value": original}) from error


def parse_date(value: Cell, *, day_first: bool = True) -> dt.date | dt.datetime:
    """Return the date (or naive local date and time) in a cell.

    Accepts date cells, Excel serial numbers, ISO 2016-10-20, numeric 20-10-2016 / 20.10.2016 /
    20/10/2016 / 10/20/2016 (`day_first` decides only when both readings are possible), and
    month names in Danish or English ("20. oktober 2016", "20 okt 2016", "Oct 20, 2016").
    """
    if isinstance(value, dt.datetime):
        return value.date() if value.time() == dt.time(0) else value.replace(tzinfo=None)
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool) or is_blank(value):
        raise CellError(_("The date is empty."))
    if isinstance(value, int | float | Decimal):
        return _from_excel_serial(float(value), str(value))
    text = str(value).strip()
    lowered = text.lower()
    if re.fullmatch(r"\d{5}(?:\.\d+)?", text):
        return _from_excel_serial(float(text), text)
    if match := ISO_DATE.match(text):
        return _build(int(match["year"]), int(match["month"]), int(match["day"]), match["hour"], match["minute"], text)
    if match := NUMERIC_DATE.match(text):
        a, b = int(match["a"]), int(match["b"])
        if a > 12 or (day_first and b <= 12):
            day, month = a, b
        else:
            month, day = a, b
        return _build(_year(match["year"]), month, day, match["hour"], match["minute"], text)
    match = DAY_MONTH_NAME.match(lowered) or MONTH_NAME_DAY.match(lowered)
    if match:
        month_number = MONTHS.get(match["month"])
        if month_number is None:
            raise CellError(
                _("“%(value)s”: “%(month)s” is not a month we know.") % {"value": text, "month": match["month"]}
            )
        return _build(int(match["year"]), month_number, int(match["day"]), match["hour"], match["minute"], text)
    raise CellError(
        _("“%(value)s” is not a date we can read (use e.g. 2016-10-20, 20-10-2016 or 20. oktober 2016).")
        % {"value": text}
    )


def _from_excel_serial(number: float, original: str) -> dt.date | dt.datetime:
    low, high = EXCEL_SERIAL_RANGE
    if not low <= number < high:
        raise CellError(_("“%(value)s” is a number, not a date.") % {"value": original})
    day = EXCEL_EPOCH + dt.timedelta(days=int(number))
    fraction = number - int(number)
    if fraction:
        minutes = round(fraction * 24 * 60)
        return dt.datetime.combine(day, dt.time(0)) + dt.timedelta(minutes=minutes)
    return day


def parse_time(value: Cell) -> dt.time:
    """Return the time of day in a cell ("14:30", "14.30", "kl. 9", a time cell, an Excel fraction)."""
    if isinstance(value, dt.datetime):
        return value.time().replace(second=0, microsecond=0)
    if isinstance(value, dt.time):
        return value.replace(second=0, microsecond=0)
    if isinstance(value, float) and 0 <= value < 1:
        minutes = round(value * 24 * 60)
        return dt.time(minutes // 60 % 24, minutes % 60)
    text = cell_text(value).strip().lower()
    match = re.fullmatch(r"(?:kl\.?\s*)?(\d{1,2})(?:[:.](\d{2}))?(?::\d{2})?", text)
    if match and int(match[1]) < 24 and int(match[2] or 0) < 60:
        return dt.time(int(match[1]), int(match[2] or 0))
    raise CellError(_("“%(value)s” is not a time of day (use e.g. 14:30).") % {"value": cell_text(value)})


# --- Amounts and text ----------------------------------------------------------------------

def parse_amount(value: Cell) -> Decimal:
    """Return an amount written the Danish or the English way ("1.234,50 kr.", "DKK 1,234.50").

    A separator followed by exactly three digits groups thousands; otherwise it is the decimal
    point. Amounts with three decimals do not occur in a sales pipeline, so this is unambiguous.
    """
    if isinstance(value, bool):
        raise CellError(_("“%(value)s” is not an amount.") % {"value": value})
    if isinstance(value, int | float | Decimal):
        return Decimal(str(value))
    text = re.sub(r"(?i)kr\.?|dkk|eur|€|\$|,-$", "", cell_text(value)).replace("\xa0", "").replace(" ", "")
    text = text.rstrip(",-")
    if not re.fullmatch(r"-?[\d.,]+", text or "x"):
        raise CellError(_("“%(value)s” is not an amount.") % {"value": cell_text(value)})
    groups = re.split(r"[.,]", text)
    separators = re.findall(r"[.,]", text)
    if separators and len(groups[-1]) != 3:
        integer_part = "".join(groups[:-1])
        text = f"{integer_part}.{groups[-1]}"
    else:
        text = "".join(groups)
    try:
        return Decimal(text)
    except InvalidOperation as error:
        raise CellError(_("“%(value)s” is not an amount.") % {"value": cell_text(value)}) from error
