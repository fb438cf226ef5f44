"""Factories for the shared domain: organisations, roles, people, deals, events."""

import datetime as dt
import uuid
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from apps.activities.models import Account, Deal, Stage
from apps.givegets.models import Cadence, Delivery, DeliveryKind, GiveGetContract
from apps.roles.models import Membership, Organisation, Role, RoleKind, Team, TeamMember
from apps.usage.kinds import EventKind, EventSource
from apps.usage.models import UsageEvent

User = get_user_model()


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")


class RoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Role
        django_get_or_create = ("organisation", "kind")

    organisation = factory.SubFactory(OrganisationFactory)
    kind = RoleKind.SALES_REP
    name = factory.LazyAttribute(lambda o: str(RoleKind(o.kind).label))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", "pw-for-tests")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = factory.SubFactory(RoleFactory)
    organisation = factory.LazyAttribute(lambda o: o.role.organisation)
    go_live_on = None


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Team {n}")


class TeamMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeamMember

    team = factory.SubFactory(TeamFactory)
    user = factory.SubFactory(UserFactory)
    is_manager = False


class StageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Stage

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Stage {n}")
    order = factory.Sequence(lambda n: n + 1)
    next_step = "Book the next meeting"
    idle_days = 14


class AccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Account

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Account {n}")


class DealFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Deal

    account = factory.SubFactory(AccountFactory)
    owner = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"Deal {n}")
    amount = Decimal("10000")
    stage = factory.SubFactory(StageFactory, organisation=factory.SelfAttribute("..account.organisation"))
    stage_entered_at = factory.LazyFunction(timezone.now)
    last_activity_at = factory.LazyFunction(timezone.now)


class ContractFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GiveGetContract

    role = factory.SubFactory(RoleFactory)
    give_kind = EventKind.MEETING_LOGGED
    give_expected_minutes = Decimal("5")
    get_kind = DeliveryKind.WEEKLY_DIGEST
    get_minutes_saved = Decimal("60")
    cadence = Cadence.WEEKLY
    wiifm = "5 minutes per meeting gives you a weekly report"


class UsageEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UsageEvent

    user = factory.SubFactory(UserFactory)
    kind = EventKind.CALL_LOGGED
    occurred_at = factory.LazyFunction(timezone.now)
    duration_seconds = 60
    source = EventSource.APP
    idempotency_key = factory.LazyFunction(lambda: str(uuid.uuid4()))


class DeliveryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Delivery

    user = factory.SubFactory(UserFactory)
    kind = DeliveryKind.WEEKLY_DIGEST
    value_minutes = Decimal("60")
    delivered_at = factory.LazyFunction(timezone.now)
    consumed_at = factory.LazyFunction(timezone.now)
    idempotency_key = factory.LazyFunction(lambda: str(uuid.uuid4()))


def aware(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_current_timezone())
