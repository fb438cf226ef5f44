"""Factories for stored contract statuses."""

import factory
from django.utils import timezone

from apps.core.periods import week_start
from apps.givegets.models import ContractStatus, ContractStatusKind
from tests.factories import ContractFactory, UserFactory


class ContractStatusFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContractStatus

    contract = factory.SubFactory(ContractFactory)
    user = factory.SubFactory(UserFactory)
    period_start = factory.LazyFunction(lambda: week_start(timezone.localdate()))
    status = ContractStatusKind.HONOURED
    gave_count = 1
    delivered_count = 1
    consumed_count = 1
