"""Import CRM log files (e.g. a Salesforce EventLogFile CSV) into the usage log."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.core.errors import ApplicationError
from apps.integrations.connectors.generic_csv import DurationUnit
from apps.integrations.connectors.registry import CONNECTORS
from apps.integrations.services import crm_usage_import, decode_upload
from apps.roles.models import Organisation


class Command(BaseCommand):
    help = "Import CRM usage log files; re-importing a file adds nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", help="organisation name (optional when there is only one)")
        parser.add_argument("--format", required=True, choices=sorted(CONNECTORS))
        parser.add_argument("--person-column", help="csv format: the column naming the person")
        parser.add_argument("--time-column", help="csv format: the column with the time")
        parser.add_argument("--type-column", help="csv format: the column with the type of action")
        parser.add_argument("--id-column", help="csv format: a column with a unique row id")
        parser.add_argument("--duration-column",
                            help="csv format: the column with the time spent (guessed from the header when not given)")
        parser.add_argument("--duration-unit", choices=DurationUnit.values,
                            help="csv format: the unit of the time spent (default: as the column name says, else s)")
        parser.add_argument("--no-duration", action="store_true", help="csv format: read no time spent")
        parser.add_argument("--identity-source", default="csv", help="csv format: which system the ids come from")
        parser.add_argument("--map", action="append", default=[], metavar="TYPE=KIND",
                            help="csv format: map a type value to a kind (repeatable)")
        parser.add_argument("files", nargs="+", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        organisations = Organisation.objects.all()
        if options["org"]:
            organisations = organisations.filter(name=options["org"])
        if organisations.count() != 1:
            raise CommandError("Name the organisation with --org (exactly one must match).")
        organisation_id = organisations.get().pk
        columns: dict[str, Any] = {
            name: str(options.get(name) or "")
            for name in ("person_column", "time_column", "type_column", "id_column", "duration_column", "duration_unit")
        } | {
            "duration_guess": not options["no_duration"],
            "identity_source": options["identity_source"],
            "type_map": dict(pair.split("=", 1) for pair in options["map"] if "=" in pair),
        }
        if options["no_duration"]:
            columns["duration_column"] = ""
        for path in options["files"]:
            try:
                summary = crm_usage_import(
                    organisation_id=organisation_id, fmt=options["format"], text=decode_upload(path.read_bytes()),
                    options=columns,
                )
            except (ApplicationError, OSError) as error:
                raise CommandError(f"{path}: {error}") from error
            self.stdout.write(
                f"{path}: accepted {summary.accepted}, duplicate {summary.duplicate}, held {summary.held}, "
                f"problems {len(summary.problems)}"
            )
            for row, message in summary.problems:
                self.stdout.write(f"  row {row}: {message}")
