"""Serialising a person's own data for download: one JSON document, or a zip of CSV files."""

import csv
import datetime as dt
import io
import json
import zipfile
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

from apps.core.spreadsheets import safe_row

Tables = Mapping[str, tuple[Sequence[str], Sequence[Mapping[str, Any]]]]


def to_json(tables: Tables, *, exported_at: dt.datetime) -> bytes:
    """Return one JSON document: the export time and, per table, a list of row objects."""
    document = {"exported_at": exported_at, **{name: list(rows) for name, (_fields, rows) in tables.items()}}
    return json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode("utf-8")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value)


def to_csv_zip(tables: Tables) -> bytes:
    """Return a zip archive with one UTF-8 CSV file per table, header row first, formulas neutralised."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, (fields, rows) in tables.items():
            text = io.StringIO()
            writer = csv.writer(text)
            writer.writerow(safe_row(fields))
            for row in rows:
                # Notes and account names are typed by people: never let one run as a formula.
                writer.writerow(safe_row(_cell(row.get(field)) for field in fields))
            # A byte-order mark lets spreadsheet programs read Danish letters correctly.
            archive.writestr(f"{name}.csv", "\ufeff" + text.getvalue())
    return buffer.getvalue()
