"""What an imported row means: the fields of each kind, cleaning, matching and keys. No database.

The import service fetches the lookups (accounts, stages, people, deals) once and hands them in,
so every rule about a single row is a pure function tested without the database.
"""

import datetime as dt
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.activities.models import ActivityType
from apps.imports.models import ImportKind, UnknownAccounts
from apps.imports.parsing import (
    MAX_CELL_CHARS,
    Cell,
    CellError,
    cell_text,
    column_letter,
    is_blank,
    parse_amount,
    parse_date,
    parse_time,
)

MAX_NAME_LENGTH = 200
MAX_EXTERNAL_ID_LENGTH = 100
MAX_SUMMARY_LENGTH = 500
# A date without a time of day becomes noon local time: inside the same day and week whatever
# the reader's time zone, and clearly not a measured moment.
DEFAULT_TIME_OF_DAY = dt.time(12, 0)


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: Promise
    required: bool
    synonyms: tuple[str, ...]
    lead_only: bool = False


OWNER_SYNONYMS = ("owner", "ejer", "sælger", "saelger", "ansvarlig", "salesperson", "sales rep", "rep", "user",
                  "bruger", "brugernavn", "username", "e-mail", "email", "medarbejder")
OWNER_LABEL = gettext_lazy("Owner (username, e-mail, full name or CRM user id)")
ACCOUNT_SYNONYMS = ("account", "account name", "kunde", "kundenavn", "firma", "firmanavn", "company", "customer",
                    "virksomhed", "client", "klient", "organisation", "organization")

ACTIVITY_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("date", gettext_lazy("Date"), True,
              ("date", "dato", "day", "dag", "when", "hvornår", "activity date", "aktivitetsdato", "mødedato",
               "meeting date", "occurred", "occurred at", "tidspunkt")),
    FieldSpec("time", gettext_lazy("Time of day"), False, ("time", "tid", "klokkeslæt", "kl", "start time")),
    FieldSpec("type", gettext_lazy("Type (call, meeting, e-mail, note)"), True,
              ("type", "activity type", "aktivitetstype", "aktivitet", "activity", "kind", "art")),
    FieldSpec("account", gettext_lazy("Account"), True, ACCOUNT_SYNONYMS),
    FieldSpec("deal", gettext_lazy("Deal"), False, ("deal", "aftale", "opportunity", "salgsmulighed", "deal name")),
    FieldSpec("summary", gettext_lazy("Note or summary"), False,
              ("note", "notes", "noter", "notat", "resumé", "resume", "summary", "comment", "comments", "kommentar",
               "beskrivelse", "description", "outcome", "resultat", "next step", "næste skridt", "emne", "subject")),
    FieldSpec("owner", OWNER_LABEL, False, OWNER_SYNONYMS, lead_only=True),
)
DEAL_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("external_id", gettext_lazy("Opportunity id"), False,
              ("opportunity id", "opportunity_id", "opportunityid", "deal id", "record id", "id", "crm id",
               "salgsmulighed id", "salgsmuligheds id", "aftale id", "aftalenummer", "aftale nr", "deal number")),
    FieldSpec("name", gettext_lazy("Deal name"), False,
              ("deal", "deal name", "aftale", "aftalenavn", "opportunity", "opportunity name", "salgsmulighed",
               "name", "navn", "title", "titel", "deal title")),
    FieldSpec("account", gettext_lazy("Account"), False,
              (*ACCOUNT_SYNONYMS, "associated company", "deal organization", "kunde navn")),
    FieldSpec("stage", gettext_lazy("Stage"), True,
              ("stage", "deal stage", "deal_stage", "opportunity stage", "sales stage", "fase", "salgsfase",
               "aftalefase", "trin", "pipeline stage", "status")),
    FieldSpec("engaged_on", gettext_lazy("Engaged on"), False,
              ("engaged", "engaged on", "engage date", "engage_date", "start", "startdato", "start date", "created",
               "created date", "create date", "created on", "date created", "deal created", "oprettet",
               "oprettet dato", "oprettelsesdato", "first contact", "første kontakt", "date", "dato")),
    FieldSpec("closed_on", gettext_lazy("Closed on"), False,
              ("closed", "closed on", "close date", "close_date", "closed date", "date closed", "lukket",
               "lukkedato", "lukket dato", "afsluttet", "afslutningsdato", "slutdato", "end date", "won date",
               "won time", "vundet")),
    FieldSpec("amount", gettext_lazy("Amount"), False,
              ("amount", "close value", "close_value", "deal value", "opportunity amount", "beløb", "belob", "value",
               "værdi", "vaerdi", "kr", "dkk", "pris", "price", "omsætning", "revenue", "salgsværdi")),
    FieldSpec("product", gettext_lazy("Product"), False,
              ("product", "product name", "produkt", "produktnavn", "vare", "ydelse")),
    FieldSpec("owner", OWNER_LABEL, False,
              (*OWNER_SYNONYMS, "sales agent", "sales_agent", "opportunity owner", "deal owner", "salgsansvarlig",
               "kundeansvarlig", "account manager", "sælger navn"), lead_only=True),
)

# The org's won and lost stages also answer to the words CRMs use for them.
WON_WORDS = frozenset(("won", "closed won", "vundet", "lukket vundet", "win"))
LOST_WORDS = frozenset(("lost", "closed lost", "tabt", "lukket tabt", "loss"))

ACTIVITY_TYPE_WORDS: dict[str, str] = {
    **dict.fromkeys(("call", "phone", "phone call", "opkald", "telefon", "telefonopkald", "tlf", "ring", "ringet"),
                    ActivityType.CALL),
    **dict.fromkeys(("meeting", "møde", "mode", "moede", "besøg", "besog", "visit", "teams", "videomøde"),
                    ActivityType.MEETING),
    **dict.fromkeys(("email", "e-mail", "mail", "e mail"), ActivityType.EMAIL),
    **dict.fromkeys(("note", "notat", "noter", "andet", "other"), ActivityType.NOTE),
}


def fields_for(kind: str, *, lead: bool) -> tuple[FieldSpec, ...]:
    """Return the fields a person may map for this kind of file (owner only for project leads)."""
    specs = ACTIVITY_FIELDS if kind == ImportKind.ACTIVITIES else DEAL_FIELDS
    return tuple(spec for spec in specs if lead or not spec.lead_only)


def synonyms_for(kind: str, *, lead: bool) -> dict[str, tuple[str, ...]]:
    return {spec.name: spec.synonyms for spec in fields_for(kind, lead=lead)}


def mapping_problems(kind: str, mapping: Mapping[str, int], *, lead: bool, column_count: int) -> list[str]:
    """Return what is wrong with a field → column mapping (required fields missing, unknown fields)."""
    specs = {spec.name: spec for spec in fields_for(kind, lead=lead)}
    problems = [
        _("Choose the column that holds “%(field)s”.") % {"field": spec.label}
        for spec in specs.values() if spec.required and spec.name not in mapping
    ]
    if kind == ImportKind.DEALS and "name" not in mapping and "external_id" not in mapping:
        problems.append(_("Choose the column that holds “%(name)s” or “%(id)s”.") % {
            "name": specs["name"].label, "id": specs["external_id"].label})
    problems += [_("“%(field)s” cannot be imported here.") % {"field": name} for name in mapping if name not in specs]
    problems += [
        _("Column %(n)s does not exist.") % {"n": i + 1} for i in mapping.values() if not 0 <= i < column_count
    ]
    return problems


# --- Cleaning one row ----------------------------------------------------------------------

@dataclass
class CleanRow:
    row_number: int
    cells: list[Cell]
    values: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def _cell(cells: Sequence[Cell], mapping: Mapping[str, int], name: str) -> Cell:
    index = mapping.get(name)
    if index is None or index >= len(cells):
        return None
    return cells[index]


def _text(row: CleanRow, mapping: Mapping[str, int], name: str, label: Promise, *, required: bool,
          max_length: int = MAX_NAME_LENGTH) -> str | None:
    value = _cell(row.cells, mapping, name)
    if is_blank(value):
        if required:
            row.problems.append(_("“%(field)s” is empty.") % {"field": label})
        return None
    text = " ".join(cell_text(value).split())
    if len(text) > max_length:
        row.problems.append(
            _("“%(field)s” is longer than %(max)s characters.") % {"field": label, "max": max_length}
        )
        return None
    return text


def _date(row: CleanRow, mapping: Mapping[str, int], name: str, label: Promise, *, required: bool,
          day_first: bool, today: dt.date, allow_future: bool = False) -> dt.date | dt.datetime | None:
    value = _cell(row.cells, mapping, name)
    if is_blank(value):
        if required:
            row.problems.append(_("“%(field)s” is empty.") % {"field": label})
        return None
    try:
        parsed = parse_date(value, day_first=day_first)
    except CellError as error:
        row.problems.append(f"{label}: {error}")
        return None
    day = parsed.date() if isinstance(parsed, dt.datetime) else parsed
    if day > today and not allow_future:
        row.problems.append(_("%(field)s %(date)s is in the future.") % {"field": label, "date": day.isoformat()})
        return None
    return parsed


def clean_row(kind: str, row_number: int, cells: list[Cell], mapping: Mapping[str, int], *,
              day_first: bool, today: dt.date) -> CleanRow:
    """Read one row's cells into typed values, collecting every problem rather than the first."""
    row = CleanRow(row_number, cells)
    for index, cell in enumerate(cells):
        if isinstance(cell, str) and len(cell) > MAX_CELL_CHARS:
            row.problems.append(_("Column %(letter)s has %(n)s characters; a cell may hold at most %(max)s.") % {
                "letter": column_letter(index), "n": f"{len(cell):,}", "max": f"{MAX_CELL_CHARS:,}"})
    if row.problems:
        return row
    fields = {spec.name: spec for spec in (ACTIVITY_FIELDS if kind == ImportKind.ACTIVITIES else DEAL_FIELDS)}
    row.values["owner"] = _text(row, mapping, "owner", fields["owner"].label, required=False)
    row.values["account"] = _text(row, mapping, "account", fields["account"].label,
                                  required=fields["account"].required)
    if kind == ImportKind.ACTIVITIES:
        _clean_activity(row, mapping, fields, day_first=day_first, today=today)
    else:
        _clean_deal(row, mapping, fields, day_first=day_first, today=today)
    return row


def _clean_activity(row: CleanRow, mapping: Mapping[str, int], fields: Mapping[str, FieldSpec], *,
                    day_first: bool, today: dt.date) -> None:
    """Read an activity row's date and time, type, deal and summary into `row.values`."""
    values = row.values
    occurred = _date(row, mapping, "date", fields["date"].label, required=True, day_first=day_first, today=today)
    if occurred is not None and not isinstance(occurred, dt.datetime):
        occurred = dt.datetime.combine(occurred, _time_of_day(row, mapping, str(fields["time"].label)))
    values["occurred_at"] = occurred
    type_cell = _text(row, mapping, "type", fields["type"].label, required=True)
    values["type"] = ACTIVITY_TYPE_WORDS.get(type_cell.lower()) if type_cell else None
    if type_cell and values["type"] is None:
        row.problems.append(
            _("Unknown type “%(value)s”: use call, meeting, e-mail or note.") % {"value": type_cell}
        )
    values["deal"] = _text(row, mapping, "deal", fields["deal"].label, required=False)
    values["summary"] = _text(row, mapping, "summary", fields["summary"].label, required=False,
                              max_length=MAX_SUMMARY_LENGTH)


def _time_of_day(row: CleanRow, mapping: Mapping[str, int], label: str) -> dt.time:
    """Return the row's time of day, or the default when the cell is blank or unreadable (noted)."""
    time_cell = _cell(row.cells, mapping, "time")
    if is_blank(time_cell):
        return DEFAULT_TIME_OF_DAY
    try:
        return parse_time(time_cell)
    except CellError as error:
        row.problems.append(f"{label}: {error}")
        return DEFAULT_TIME_OF_DAY


def _clean_deal(row: CleanRow, mapping: Mapping[str, int], fields: Mapping[str, FieldSpec], *,
                day_first: bool, today: dt.date) -> None:
    """Read a deal row's id, product, name, stage, dates and amount into `row.values`."""
    values = row.values
    values["external_id"] = _text(row, mapping, "external_id", fields["external_id"].label, required=False,
                                  max_length=MAX_EXTERNAL_ID_LENGTH)
    values["product"] = _text(row, mapping, "product", fields["product"].label, required=False)
    name = _text(row, mapping, "name", fields["name"].label, required=False)
    if name is None and values["external_id"]:
        # An export without a name column (opportunity id, product, account): name it as people would.
        name = " · ".join(p for p in (values["product"], values["account"]) if p) or values["external_id"]
    if name is None and not any(f"“{fields['name'].label}”" in p for p in row.problems):
        row.problems.append(_("“%(field)s” is empty.") % {"field": fields["name"].label})
    values["name"] = name[:MAX_NAME_LENGTH] if name else None
    values["stage"] = _text(row, mapping, "stage", fields["stage"].label, required=True)
    engaged = _date(row, mapping, "engaged_on", fields["engaged_on"].label, required=False,
                    day_first=day_first, today=today)
    closed = _date(row, mapping, "closed_on", fields["closed_on"].label, required=False,
                   day_first=day_first, today=today, allow_future=True)
    values["engaged_on"] = engaged.date() if isinstance(engaged, dt.datetime) else engaged
    values["closed_on"] = closed.date() if isinstance(closed, dt.datetime) else closed
    if values["engaged_on"] and values["closed_on"] and values["closed_on"] < values["engaged_on"]:
        row.problems.append(_("The close date is before the engage date."))
    values["amount"] = _amount(row, mapping, str(fields["amount"].label))


def _amount(row: CleanRow, mapping: Mapping[str, int], label: str) -> Decimal:
    """Return the row's amount (0 when blank); a bad or out-of-range amount is a problem on the row."""
    amount_cell = _cell(row.cells, mapping, "amount")
    if is_blank(amount_cell):
        return Decimal(0)
    try:
        amount = parse_amount(amount_cell)
    except CellError as error:
        row.problems.append(f"{label}: {error}")
        return Decimal(0)
    if amount < 0 or amount >= Decimal("1e12"):
        row.problems.append(_("The amount must be between 0 and 999,999,999,999."))
    return amount


# --- Matching against the organisation -----------------------------------------------------

@dataclass(frozen=True)
class StageInfo:
    pk: int
    name: str
    order: int
    is_closed: bool
    is_won: bool = False


def person_key(text: str) -> str:
    """Return a name or id as it is compared: case-folded, inner spaces collapsed."""
    return " ".join(text.split()).casefold()


@dataclass(frozen=True)
class Person:
    pk: int
    username: str
    email: str
    full_name: str


@dataclass
class PeopleIndex:
    """The organisation's people by every name a file may use for them.

    Username, e-mail and external id (a CRM user id) each name one person; a full name may
    name several, and then the row names the candidates instead of guessing.
    """

    by_username: dict[str, int] = field(default_factory=dict)
    by_email: dict[str, int] = field(default_factory=dict)
    by_external_id: dict[str, int] = field(default_factory=dict)  # the cell's text as written → user id
    by_full_name: dict[str, list[Person]] = field(default_factory=dict)

    @classmethod
    def build(cls, people: Sequence[Person], external_ids: Mapping[str, int]) -> "PeopleIndex":
        index = cls(by_external_id={person_key(k): v for k, v in external_ids.items()})
        for person in people:
            index.by_username.setdefault(person_key(person.username), person.pk)
            if person.email:
                index.by_email.setdefault(person_key(person.email), person.pk)
            if person.full_name.strip():
                index.by_full_name.setdefault(person_key(person.full_name), []).append(person)
        return index

    def match(self, text: str) -> tuple[int | None, list[Person]]:
        """Return (user id, []) for the one person `text` names, or (None, candidates) when several."""
        key = person_key(text)
        for names in (self.by_username, self.by_email, self.by_external_id):
            if key in names:
                return names[key], []
        candidates = self.by_full_name.get(key, [])
        if len(candidates) == 1:
            return candidates[0].pk, []
        return None, candidates


@dataclass
class Lookups:
    """What a row's names are matched against, keyed by lower-case name."""

    uploader_id: int
    unknown_accounts: str  # an UnknownAccounts value
    accounts: dict[str, int]
    stages: list[StageInfo]
    people: PeopleIndex
    deals: dict[tuple[int, str], int]  # (account id, lower-case deal name) → deal id
    today: dt.date = dt.date.max

    def stage_named(self, name: str) -> StageInfo | None:
        """Return the stage of this name, or the won (lost) stage for the words CRMs use for it."""
        lowered = person_key(name)
        stage = next((s for s in self.stages if person_key(s.name) == lowered), None)
        if stage is None and lowered in WON_WORDS | LOST_WORDS:
            wanted_won = lowered in WON_WORDS
            stage = next((s for s in sorted(self.stages, key=lambda s: s.order)
                          if s.is_closed and s.is_won == wanted_won), None)
        return stage


def resolve_row(kind: str, row: CleanRow, lookups: Lookups) -> None:
    """Match the row's owner, account, deal and stage; add a problem for each that is unknown."""
    values = row.values
    owner_name = values.get("owner")
    values["owner_id"] = lookups.uploader_id
    if owner_name:
        owner_id, candidates = lookups.people.match(owner_name)
        if owner_id is not None:
            values["owner_id"] = owner_id
        elif candidates:
            named = ", ".join(
                f"{p.username} ({p.email})" if p.email else p.username
                for p in sorted(candidates, key=lambda p: p.username)
            )
            row.problems.append(
                _("“%(value)s” is the name of %(count)s people: %(candidates)s. Use the username or e-mail.")
                % {"value": owner_name, "count": len(candidates), "candidates": named}
            )
        else:
            row.problems.append(
                _("Unknown person “%(value)s”: use their username, e-mail, full name or CRM user id.")
                % {"value": owner_name}
            )
    account = values.get("account")
    values["account_id"] = lookups.accounts.get(account.lower()) if account else None
    if account and values["account_id"] is None:
        if lookups.unknown_accounts == UnknownAccounts.LEAVE_EMPTY and kind == ImportKind.DEALS:
            values["account"] = None
        elif lookups.unknown_accounts != UnknownAccounts.CREATE:
            row.problems.append(
                _("Unknown account “%(value)s” (you chose not to create new accounts).") % {"value": account}
            )
    if kind == ImportKind.ACTIVITIES:
        deal = values.get("deal")
        values["deal_id"] = None
        if deal:
            account_id = values["account_id"]
            values["deal_id"] = lookups.deals.get((account_id, deal.lower())) if account_id else None
            if values["deal_id"] is None:
                row.problems.append(
                    _("No deal “%(deal)s” at account “%(account)s”.") % {"deal": deal, "account": account}
                )
        return
    stage_name = values.get("stage")
    stage = lookups.stage_named(stage_name) if stage_name else None
    values["stage_id"] = stage.pk if stage else None
    if stage_name and stage is None:
        known = ", ".join(s.name for s in lookups.stages)
        row.problems.append(_("Unknown stage “%(value)s” (known: %(known)s).") % {"value": stage_name, "known": known})
    if stage is not None and not stage.is_closed:
        # An open deal's close date is the expected one (Salesforce, HubSpot): not a fact to keep.
        values["closed_on"] = None
    if stage is not None and stage.is_closed and values.get("closed_on") and values["closed_on"] > lookups.today:
        row.problems.append(_("A deal in stage “%(stage)s” cannot have closed in the future (%(date)s).") % {
            "stage": stage.name, "date": values["closed_on"].isoformat()})


def row_content_key(kind: str, values: Mapping[str, Any]) -> str:
    """Return what makes a row the same row again: its meaning, not its position or the mapping.

    Deals are identified by `deal_identity` instead: a re-exported deal whose values changed is
    the same deal, updated.
    """
    parts: list[Any] = [kind, values["owner_id"], values["occurred_at"].isoformat(), values["type"],
                        values["account"].lower(), (values.get("deal") or "").lower(), values.get("summary") or ""]
    return json.dumps(parts, ensure_ascii=False)


def deal_identity(values: Mapping[str, Any]) -> str:
    """Return what makes a row the same deal in every export of it (64 hex characters).

    The opportunity id when the file has one; otherwise owner, account and name (engage and
    close dates, stage and amount change as the deal moves on, so they are not its identity).
    """
    if values.get("external_id"):
        parts: list[Any] = ["id", person_key(values["external_id"])]
    else:
        parts = ["name", values["owner_id"], person_key(values.get("account") or ""), person_key(values["name"])]
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode()).hexdigest()


# The fields a deal row sets, in the order the preview lists what changed.
DEAL_VALUE_FIELDS = ("owner_id", "name", "account", "stage_id", "engaged_on", "closed_on", "amount", "product")


def deal_snapshot(values: Mapping[str, Any]) -> dict[str, Any]:
    """Return the row's deal values as JSON, to compare with what the next export says."""
    snapshot: dict[str, Any] = {}
    for name in DEAL_VALUE_FIELDS:
        value = values.get(name)
        if isinstance(value, dt.date):
            value = value.isoformat()
        elif isinstance(value, Decimal):
            value = str(value.quantize(Decimal("0.01")))
        elif isinstance(value, str) and name == "account":
            value = person_key(value)
        if value == "":
            value = None
        snapshot[name] = value
    return snapshot


def changed_deal_fields(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    """Return the fields whose value differs between two snapshots, in `DEAL_VALUE_FIELDS` order.

    A snapshot from before a field was recorded (an empty one) changes nothing it does not name.
    """
    return [name for name in DEAL_VALUE_FIELDS if name in before and before[name] != after.get(name)]


def idempotency_key(content: str, occurrence: int) -> str:
    """Return the usage-event key of the n-th row with this content in a file.

    Two identical rows in one file are two activities (two calls on one day); importing the same
    file again, or a longer version of it, produces the same keys for the rows seen before.
    """
    digest = hashlib.sha256(f"{content}#{occurrence}".encode()).hexdigest()
    return f"import:{digest}"
