"""Import CRM log files (e.g. a Salesforce EventLogFile CSV) into the usage log."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.core.errors import ApplicationError
from apps.integrations.services import CONNECTORS, crm_usage_import
from apps.roles.models import Organisation


class Command(BaseCommand):
    help = "Import CRM usage log files; re-importing a file adds nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", help="organisation name (optional when there is only one)")
        parser.add_argument("--format", required=True, choices=sorted(CONNECTORS))
        parser.add_argument("files", nargs="+", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        organisations = Organisation.objects.all()
        if options["org"]:
            organisations = organisations.filter(name=options["org"])
        if organisations.count() != 1:
            raise CommandError("Name the organisation with --org (exactly one must match).")
        organisation_id = organisations.get().pk
        for path in options["files"]:
            try:
                summary = crm_usage_import(
                    organisation_id=organisation_id, fmt=options["format"],
                    text=path.read_text(encoding="utf-8-sig", errors="surrogateescape"),
                )
            except (ApplicationError, OSError) as error:
                raise CommandError(f"{path}: {error}") from error
            self.stdout.write(
                f"{path}: accepted {summary.accepted}, duplicate {summary.duplicate}, held {summary.held}, "
                f"problems {len(summary.problems)}"
            )
            for row, message in summary.problems:
                self.stdout.write(f"  row {row}: {message}")
