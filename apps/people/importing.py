"""Reading a people file (CSV or XLSX): columns mapped by their names, in English and Danish.

Pure: no database. The service in `services.people_import` writes the rows.
"""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.identities.sources import IdentitySource
from apps.imports.parsing import Cell, Shape, auto_mapping, cell_text, data_rows, detect_shape, open_source

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

SYNONYMS: dict[str, list[str]] = {
    "name": ["name", "full name", "navn", "fulde navn", "fuldt navn", "medarbejder", "employee"],
    "email": ["email", "e-mail", "mail", "e-mail address", "email address", "e-mailadresse", "mailadresse"],
    "role": ["role", "rolle", "job role", "stilling"],
    "team": ["team", "hold", "afdeling", "department"],
    "manager": ["manager", "is manager", "manager of team", "leder", "er leder", "teamleder", "leder af team"],
    IdentitySource.SALESFORCE.value: ["salesforce user id", "salesforce id", "salesforce", "sf user id",
                                      "salesforce bruger id"],
    IdentitySource.HUBSPOT.value: ["hubspot email", "hubspot e-mail", "hubspot user email", "hubspot",
                                   "hubspot bruger e-mail"],
    IdentitySource.DYNAMICS.value: ["dynamics user id", "dynamics id", "dynamics", "dynamics 365 user id"],
}
FIELDS = list(SYNONYMS)
FIELD_LABELS: dict[str, "StrOrPromise"] = {
    "name": gettext_lazy("Full name"), "email": gettext_lazy("E-mail"), "role": gettext_lazy("Role"),
    "team": gettext_lazy("Team"), "manager": gettext_lazy("Manager of the team (yes/no)"),
    IdentitySource.SALESFORCE.value: gettext_lazy("Salesforce user id"),
    IdentitySource.HUBSPOT.value: gettext_lazy("HubSpot user e-mail"),
    IdentitySource.DYNAMICS.value: gettext_lazy("Dynamics user id"),
}
IDENTITY_FIELDS = [IdentitySource.SALESFORCE.value, IdentitySource.HUBSPOT.value, IdentitySource.DYNAMICS.value]
YES = {"yes", "y", "ja", "j", "true", "1", "x"}
NO = {"no", "n", "nej", "false", "0", ""}


@dataclass
class PersonRow:
    row_number: int
    name: str
    email: str
    role: str
    team: str
    is_manager: bool
    identities: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class PeopleFile:
    columns: list[str]
    mapping: dict[str, int]
    path: Path
    extension: str
    header_index: int

    def rows(self, mapping: dict[str, int] | None = None) -> Iterator[PersonRow]:
        use = self.mapping if mapping is None else mapping
        source = open_source(self.path, self.extension)
        for number, cells in data_rows(source.rows(), Shape(self.header_index, self.columns)):
            yield person_row(number, cells, use)


def people_file_open(path: Path, extension: str) -> PeopleFile:
    """Find the header row and map the columns whose names say what they hold."""
    source = open_source(path, extension)
    head: list[list[Cell]] = []
    for row in source.rows():
        head.append(row)
        if len(head) >= 20:
            break
    shape = detect_shape(head, SYNONYMS)
    return PeopleFile(shape.columns, auto_mapping(shape.columns, SYNONYMS), path, extension.lower(), shape.header_index)


def _cell(cells: Sequence[Cell], mapping: dict[str, int], name: str) -> str:
    index = mapping.get(name)
    if index is None or index >= len(cells):
        return ""
    return " ".join(cell_text(cells[index]).split())


def person_row(number: int, cells: Sequence[Cell], mapping: dict[str, int]) -> PersonRow:
    """Read one row; what is wrong with it is listed on the row, never raised."""
    manager_text = _cell(cells, mapping, "manager").lower()
    row = PersonRow(
        row_number=number,
        name=_cell(cells, mapping, "name"),
        email=_cell(cells, mapping, "email").lower(),
        role=_cell(cells, mapping, "role"),
        team=_cell(cells, mapping, "team"),
        is_manager=manager_text in YES,
        identities={s: v for s in IDENTITY_FIELDS if (v := _cell(cells, mapping, s))},
    )
    if "@" not in row.email:
        row.problems.append(_("No valid e-mail address."))
    if not row.role:
        row.problems.append(_("No role."))
    if manager_text not in YES | NO:
        row.problems.append(_("Manager must be yes or no (ja/nej), not “%(value)s”.") % {"value": manager_text})
    if row.is_manager and not row.team:
        row.problems.append(_("A manager needs a team."))
    return row
