"""Erase (anonymise) one person: a leaver, or someone who asked. Figures are kept."""

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q

from apps.roles.models import Membership
from apps.trust.protection import person_erase

User = get_user_model()


class Command(BaseCommand):
    help = "Anonymise a person (name, e-mail, log-in, external ids, free text) while keeping every figure."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("person", help="user name, e-mail or id of the person")
        parser.add_argument("--yes", action="store_true", help="do it without asking (it cannot be undone)")

    def handle(self, *args: Any, person: str, yes: bool, **options: Any) -> None:
        match = Q(username=person) | Q(email__iexact=person)
        if person.isdigit():
            match |= Q(pk=int(person))
        users = list(User.objects.filter(match))
        if len(users) != 1:
            raise CommandError(f"{len(users)} people match {person!r}; give the user name or the id.")
        user = users[0]
        membership = Membership.objects.filter(user=user).first()
        if membership is None:
            raise CommandError(f"{user.get_username()} has no role in any organisation.")
        if not yes:
            name = user.get_full_name() or user.get_username()
            answer = input(f"Erase {name} ({user.pk})? It cannot be undone. [y/N] ")
            if answer.strip().lower() not in ("y", "yes"):
                raise CommandError("Nothing erased.")
        try:
            result = person_erase(user_id=user.pk, organisation_id=membership.organisation_id)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(
            f"Erased person {result.user_id}: {result.identities_removed} external ids removed, "
            f"{result.events_scrubbed} usage events' metadata cleared, {result.kudos_cleared} kudos messages and "
            f"{result.digests_cleared} digests cleared, {result.audit_entries_scrubbed} audit entries anonymised, "
            f"{result.sessions_ended} sessions ended. Scores and aggregates are unchanged."
        )
