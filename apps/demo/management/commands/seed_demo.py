import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from apps.demo.seed import DEMO_PASSWORD, PEOPLE, WEEKS, demo_reset, seed_demo
from apps.roles.models import Organisation
from apps.usage.partitions import month_of, partitions_ensure


class Command(BaseCommand):
    help = "Load a realistic demo organisation (deterministic) with 12 weeks of history."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--reset", action="store_true", help="Delete the demo organisation first.")
        parser.add_argument("--if-empty", action="store_true", help="Do nothing when any organisation exists.")
        parser.add_argument("--seed", type=int, default=20161201, help="Random seed (default keeps it repeatable).")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_empty"] and Organisation.objects.exists():
            self.stdout.write("Demo data already present; leaving it as it is.")
        else:
            if options["reset"]:
                demo_reset()
            # The history's months get their usage log partitions first (PostgreSQL; DDL outside the seed's transaction).
            now = timezone.now()
            partitions_ensure(month_of(now - dt.timedelta(weeks=w)) for w in range(WEEKS + 2))
            try:
                ctx = seed_demo(random_seed=options["seed"])
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(self.style.SUCCESS(f"Created {ctx.organisation.name} with {len(ctx.users)} people."))
        self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD}):")
        shown = {"lene": "project lead", "mads": "manager, Sales East", "sofie": "manager, Sales West",
                 "rasmus": "sales rep, thriving ambassador", "julie": "sales rep, declining (at risk)",
                 "mette": "sales rep, net loser", "peter": "sales rep, never logs", "lars": "service agent",
                 "nanna": "marketer", "admin": "Django admin"}
        for username, description in shown.items():
            self.stdout.write(f"  {username:<8} {description}")
        self.stdout.write(f"  … and {len(PEOPLE) - len(shown) + 1} more in the admin.")
