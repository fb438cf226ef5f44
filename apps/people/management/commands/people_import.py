import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.imports.parsing import FileFormatError
from apps.people.importing import people_file_open
from apps.people.services import invitations_send, people_import
from apps.roles.models import Organisation


class Command(BaseCommand):
    help = "Import a people file (CSV or XLSX); columns are mapped by their names (English or Danish)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--organisation", help="Organisation name (needed when there are several).")
        parser.add_argument("--dry-run", action="store_true", help="Only show what would happen.")
        parser.add_argument("--no-invitations", action="store_true", help="Do not e-mail the new people.")
        parser.add_argument("--base-url", default="http://127.0.0.1:8000", help="Where the tracker is served.")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        organisations = Organisation.objects.all()
        if options["organisation"]:
            organisations = organisations.filter(name=options["organisation"])
        if organisations.count() != 1:
            raise CommandError("Name exactly one organisation with --organisation.")
        organisation = organisations.get()
        if not path.exists():
            raise CommandError(f"No such file: {path}")
        try:
            people_file = people_file_open(path, path.suffix.lstrip("."))
        except FileFormatError as error:
            raise CommandError(str(error)) from error
        missing = [f for f in ("email", "role") if f not in people_file.mapping]
        if missing:
            raise CommandError(f"No column found for: {', '.join(missing)} (columns: {people_file.columns})")
        self.stdout.write("Columns: " + ", ".join(
            f"{people_file.columns[i]} → {name}" for name, i in people_file.mapping.items()))
        started = time.perf_counter()
        result = people_import(organisation_id=organisation.pk, rows=people_file.rows(), dry_run=options["dry_run"])
        seconds = time.perf_counter() - started
        rows = result.created + result.updated + result.unchanged + len({n for n, _m in result.problems})
        self.stdout.write(
            f"{'Would import' if options['dry_run'] else 'Imported'}: new {result.created}, "
            f"updated {result.updated}, unchanged {result.unchanged}, rows with problems "
            f"{len({n for n, _m in result.problems})} ({rows} rows in {seconds:.1f} s)."
        )
        for number, message in result.problems:
            self.stdout.write(f"  row {number}: {message}")
        if not options["dry_run"] and not options["no_invitations"]:
            sent = invitations_send(user_ids=result.new_user_ids, base_url=options["base_url"])
            self.stdout.write(f"Invitations sent: {sent}.")
