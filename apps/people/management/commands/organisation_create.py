from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.people.services import invitation_send, organisation_create


class Command(BaseCommand):
    help = "Create an organisation, its default roles and stages and its first project lead."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", required=True, help="The organisation's name.")
        parser.add_argument("--lead-email", required=True, help="The first project lead's e-mail address.")
        parser.add_argument("--lead-name", default="", help="The project lead's full name.")
        parser.add_argument("--base-url", default="http://127.0.0.1:8000", help="Where the tracker is served.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            created = organisation_create(
                name=options["name"], lead_email=options["lead_email"], lead_name=options["lead_name"]
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        link = invitation_send(user=created.lead, base_url=options["base_url"])
        self.stdout.write(self.style.SUCCESS(f"Created {created.organisation.name}."))
        self.stdout.write(f"Project lead {created.lead.email}: set a password (one-time link, also e-mailed):")
        self.stdout.write(link)
