"""The CRM log formats the tracker reads, each with the mapping table the lead sees on its page."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from apps.identities.sources import IdentitySource
from apps.integrations.connectors import (
    generic_csv,
    hubspot_logins,
    salesforce_elf,
    salesforce_lightning_usage,
    salesforce_loginhistory,
)
from apps.integrations.connectors.base import Parsed


@dataclass(frozen=True)
class Connector:
    format: str
    label: str | Promise
    identity_source: str
    mapping: Mapping[str, str]
    parse: Callable[..., Parsed]
    needs_columns: bool = False  # the lead names the person, time and type columns (and time spent)


CONNECTORS: dict[str, Connector] = {c.format: c for c in (
    Connector(salesforce_elf.FORMAT, _("Salesforce Event Monitoring (EventLogFile CSV)"),
              IdentitySource.SALESFORCE, salesforce_elf.PAGE_RULES | salesforce_elf.MAPPING, salesforce_elf.parse),
    Connector(salesforce_loginhistory.FORMAT, _("Salesforce login history"),
              IdentitySource.SALESFORCE, salesforce_loginhistory.MAPPING, salesforce_loginhistory.parse),
    Connector(salesforce_lightning_usage.FORMAT, _("Salesforce Lightning usage by page (daily)"),
              IdentitySource.SALESFORCE, salesforce_lightning_usage.MAPPING, salesforce_lightning_usage.parse),
    Connector(hubspot_logins.FORMAT, _("HubSpot login history"),
              IdentitySource.HUBSPOT, hubspot_logins.MAPPING, hubspot_logins.parse),
    Connector(generic_csv.FORMAT, _("Any other CRM (CSV with person, time and type columns)"),
              IdentitySource.CSV, {}, generic_csv.parse, needs_columns=True),
)}


def connector_parse(fmt: str, text: str, options: Mapping[str, Any] | None = None) -> Parsed:
    """Parse a file in format `fmt`; `options` name the columns for the generic CSV format.

    The time-spent column is read as `options` name it: decide it first with
    `generic_csv.options_resolved`, which guesses it from the file's header.
    """
    connector = CONNECTORS[fmt]
    if connector.needs_columns:
        opts = dict(options or {})
        return connector.parse(text, options=generic_csv.CsvOptions(
            person_column=opts.get("person_column", ""), time_column=opts.get("time_column", ""),
            type_column=opts.get("type_column", ""), id_column=opts.get("id_column", ""),
            identity_source=opts.get("identity_source") or IdentitySource.CSV,
            type_map=opts.get("type_map") or {}, duration_column=opts.get("duration_column") or "",
            duration_unit=opts.get("duration_unit") or generic_csv.DurationUnit.SECONDS,
        ))
    return connector.parse(text)
