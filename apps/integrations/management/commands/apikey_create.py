"""Create an integration key for an organisation and print it (the only time it is shown)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.core.errors import ApplicationError
from apps.integrations.models import KeyScope
from apps.integrations.services import integration_key_create
from apps.roles.models import Organisation


class Command(BaseCommand):
    help = "Create a named, scoped integration key and print it once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", help="organisation name (optional when there is only one)")
        parser.add_argument("--name", required=True)
        parser.add_argument("--scope", action="append", choices=KeyScope.values, required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        organisations = Organisation.objects.all()
        if options["org"]:
            organisations = organisations.filter(name=options["org"])
        if organisations.count() != 1:
            raise CommandError("Name the organisation with --org (exactly one must match).")
        try:
            _key, secret = integration_key_create(
                organisation_id=organisations.get().pk, name=options["name"], scopes=options["scope"],
            )
        except ApplicationError as error:
            raise CommandError(error.message) from error
        self.stdout.write(secret)
