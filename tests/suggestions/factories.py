"""Factories for next-action rules and suggestions."""

import uuid

import factory
from django.utils import timezone

from apps.suggestions.models import RuleKind, Suggestion, SuggestionRule, SuggestionStatus
from tests.factories import OrganisationFactory, UserFactory


class SuggestionRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SuggestionRule

    organisation = factory.SubFactory(OrganisationFactory)
    kind = RuleKind.IDLE_DEAL
    stage = None
    idle_days = None
    text_template = "Get in touch about {deal}"
    enabled = True


class SuggestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Suggestion

    user = factory.SubFactory(UserFactory)
    source_rule = factory.SubFactory(SuggestionRuleFactory)
    rule = factory.LazyAttribute(lambda o: o.source_rule.kind if o.source_rule else "idle_deal")
    text = "Get in touch"
    reason = "No activity for a while."
    created_at = factory.LazyFunction(timezone.now)
    status = SuggestionStatus.OPEN
    dedupe_key = factory.LazyFunction(lambda: str(uuid.uuid4()))
