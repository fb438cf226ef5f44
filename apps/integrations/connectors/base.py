"""What every connector returns: events naming an identity, and problems per row."""

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class ParsedEvent:
    row: int
    identity_source: str
    external_id: str
    kind: str
    occurred_at: dt.datetime
    idempotency_key: str
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass
class Parsed:
    events: list[ParsedEvent] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)  # (row number, message)
    skipped: int = 0  # rows that are not activity (a failed login)


def row_hash(fmt: str, values: dict[str, str]) -> str:
    """Return a stable key for a row without an id of its own (same row, same key)."""
    text = "\x1f".join(f"{k}={values[k]}" for k in sorted(values))
    return f"{fmt}:{hashlib.sha256(text.encode('utf-8', 'surrogatepass')).hexdigest()[:40]}"
