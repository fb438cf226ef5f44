import factory
from django.utils import timezone

from apps.service.models import Case, CaseChannel, CaseStatus
from tests.factories import AccountFactory, UserFactory


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case

    account = factory.SubFactory(AccountFactory)
    subject = factory.Sequence(lambda n: f"Case {n}")
    status = CaseStatus.OPEN
    channel = CaseChannel.PHONE
    opened_by = factory.SubFactory(UserFactory)
    opened_at = factory.LazyFunction(timezone.now)
