"""The engine with configured rules: defaults, templates, idle limits, feedback muting."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from apps.activities.services import activity_log
from apps.givegets.models import Delivery
from apps.suggestions import selectors, services
from apps.suggestions.models import RuleKind, Suggestion, SuggestionRule, SuggestionStatus
from apps.suggestions.tasks import suggest_for_idle_deals
from tests import factories
from tests.conftest import World
from tests.suggestions.factories import SuggestionFactory, SuggestionRuleFactory

pytestmark = pytest.mark.django_db


def _deal(world: World, stage_index: int = 0, quiet_days: int = 0, name: str = "Pilot") -> factories.Deal:
    account = factories.AccountFactory(organisation=world.org, name=f"Acme {name}")
    return factories.DealFactory(
        account=account, owner=world.rita, name=name, stage=world.stages[stage_index],
        last_activity_at=timezone.now() - dt.timedelta(days=quiet_days),
    )


def test_defaults_come_from_the_stages_and_are_installed_once(world: World) -> None:
    made = services.suggestion_rules_install_defaults(organisation_id=world.org.pk)

    rules = SuggestionRule.objects.filter(organisation=world.org)
    # Three open stages with a next step: three next-step rules, three idle rules, one "open a deal".
    assert made == 7
    assert rules.filter(kind=RuleKind.STAGE_NEXT_STEP).count() == 3
    proposal_rule = rules.get(kind=RuleKind.STAGE_NEXT_STEP, stage=world.stages[2])
    assert proposal_rule.text_template == "Follow up the proposal – {deal}"
    assert rules.get(kind=RuleKind.IDLE_DEAL, stage=world.stages[0]).idle_days == 14
    assert not rules.filter(stage=world.stages[3]).exists()  # "Won" is closed: nothing to suggest
    assert services.suggestion_rules_install_defaults(organisation_id=world.org.pk) == 0
    assert rules.count() == 7


def test_an_unknown_placeholder_is_refused_with_a_clear_error(world: World) -> None:
    services.suggestion_rules_install_defaults(organisation_id=world.org.pk)
    rule = SuggestionRule.objects.get(kind=RuleKind.IDLE_DEAL, stage=world.stages[0])

    with pytest.raises(ValidationError) as caught:
        services.suggestion_rule_update(rule=rule, text_template="Call {contact}", idle_days=3, enabled=True)

    assert "Unknown placeholder {contact}" in caught.value.message_dict["text_template"][0]
    rule.refresh_from_db()
    assert rule.text_template == "Get in touch about {deal}"
    assert rule.idle_days == 14


def test_logging_on_a_deal_uses_the_configured_text_and_keeps_a_why(world: World) -> None:
    services.suggestion_rules_install_defaults(organisation_id=world.org.pk)
    rule = SuggestionRule.objects.get(kind=RuleKind.STAGE_NEXT_STEP, stage=world.stages[1])
    services.suggestion_rule_update(rule=rule, text_template="Send {account} the proposal for {deal}",
                                    idle_days=None, enabled=True)
    deal = _deal(world, stage_index=1)

    activity, _created = activity_log(owner_id=world.rita.pk, type="meeting", account=deal.account, deal=deal,
                                      summary="Demo went well")
    [suggestion] = services.suggestions_after_activity(activity=activity)

    assert suggestion.text == "Send Acme Pilot the proposal for Pilot"
    assert suggestion.source_rule == rule
    assert suggestion.reason == "You logged a meeting on a deal in “Meeting”; this is the usual next step there."


def test_the_first_use_installs_default_rules(world: World) -> None:
    deal = _deal(world)
    activity, _created = activity_log(owner_id=world.rita.pk, type="call", account=deal.account, deal=deal,
                                      summary="Qualified")
    [suggestion] = services.suggestions_after_activity(activity=activity)
    assert suggestion.text == "Call to qualify – Pilot"
    assert suggestion.source_rule is not None
    assert SuggestionRule.objects.filter(organisation=world.org).count() == 7


def test_a_switched_off_rule_suggests_nothing_and_hides_its_open_suggestions(world: World) -> None:
    services.suggestion_rules_install_defaults(organisation_id=world.org.pk)
    rule = SuggestionRule.objects.get(kind=RuleKind.STAGE_NEXT_STEP, stage=world.stages[0])
    old = SuggestionFactory(user=world.rita, source_rule=rule)
    services.suggestion_rule_set_enabled(rule=rule, enabled=False)
    deal = _deal(world)

    activity, _created = activity_log(owner_id=world.rita.pk, type="call", account=deal.account, deal=deal,
                                      summary="Left a voicemail")

    assert services.suggestions_after_activity(activity=activity) == []
    assert old not in selectors.open_suggestions(user_id=world.rita.pk)


def test_idle_deals_follow_the_rules_quiet_days_and_running_twice_adds_nothing(world: World) -> None:
    services.suggestion_rules_install_defaults(organisation_id=world.org.pk)
    rule = SuggestionRule.objects.get(kind=RuleKind.IDLE_DEAL, stage=world.stages[0])
    services.suggestion_rule_update(rule=rule, text_template="Ring {account}", idle_days=3, enabled=True)
    quiet = _deal(world, stage_index=0, quiet_days=4, name="Quiet")
    _deal(world, stage_index=0, quiet_days=2, name="Fresh")
    _deal(world, stage_index=1, quiet_days=4, name="Other stage")  # its stage allows 14 days

    assert suggest_for_idle_deals.delay().get() == 1
    assert suggest_for_idle_deals.delay().get() == 0

    suggestion = Suggestion.objects.get()
    assert (suggestion.deal, suggestion.text, suggestion.source_rule) == (quiet, "Ring Acme Quiet", rule)
    assert suggestion.reason == "No activity for 4 days; deals in “Lead” usually go cold after 3."
    assert Delivery.objects.filter(user=world.rita, kind="next_action").count() == 1


def _decide(world: World, rule: SuggestionRule, accepted: int, dismissed: int) -> None:
    for status, count in ((SuggestionStatus.ACCEPTED, accepted), (SuggestionStatus.DISMISSED, dismissed)):
        for _ in range(count):
            SuggestionFactory(user=world.rita, source_rule=rule, status=status, decided_at=timezone.now())


def test_a_rule_rita_mostly_dismisses_stops_showing_to_her_only(world: World) -> None:
    services.suggestion_rules_install_defaults(organisation_id=world.org.pk)
    rule = SuggestionRule.objects.get(kind=RuleKind.IDLE_DEAL, stage=world.stages[0])
    _decide(world, rule, accepted=1, dismissed=4)
    still_open = SuggestionFactory(user=world.rita, source_rule=rule)
    ronjas = SuggestionFactory(user=world.ronja, source_rule=rule)

    assert selectors.muted_rule_ids(user_id=world.rita.pk) == {rule.pk}
    assert still_open not in selectors.open_suggestions(user_id=world.rita.pk)
    assert ronjas in selectors.open_suggestions(user_id=world.ronja.pk)
    _deal(world, quiet_days=30)
    assert services.suggestions_for_idle_deals() == 0


def test_four_dismissals_are_not_yet_a_pattern(world: World) -> None:
    rule = SuggestionRuleFactory(organisation=world.org)
    _decide(world, rule, accepted=0, dismissed=4)
    assert selectors.muted_rule_ids(user_id=world.rita.pk) == set()


def test_old_decisions_no_longer_mute(world: World) -> None:
    rule = SuggestionRuleFactory(organisation=world.org)
    _decide(world, rule, accepted=0, dismissed=5)
    later = timezone.now() + dt.timedelta(days=91)
    assert selectors.muted_rule_ids(user_id=world.rita.pk, now=later) == set()


def test_the_lead_sees_acceptance_per_rule_as_aggregates(world: World) -> None:
    rule = SuggestionRuleFactory(organisation=world.org)
    _decide(world, rule, accepted=1, dismissed=4)
    SuggestionFactory(user=world.ronja, source_rule=rule, status=SuggestionStatus.ACCEPTED, decided_at=timezone.now())
    SuggestionFactory(user=world.ronja, source_rule=rule)

    [row] = selectors.rules_with_feedback(organisation_id=world.org.pk)

    assert (row.shown, row.accepted, row.dismissed, row.muted_for_people) == (7, 2, 4, 1)
    assert str(row.acceptance_rate) == "33.3"


def test_deciding_records_the_rule_in_the_usage_log(world: World) -> None:
    rule = SuggestionRuleFactory(organisation=world.org)
    suggestion = SuggestionFactory(user=world.rita, source_rule=rule)
    decided = services.suggestion_decide(suggestion=suggestion, accept=False)
    assert decided.status == SuggestionStatus.DISMISSED
    assert world.rita.usage_events.get().metadata == {"rule": "idle_deal", "rule_id": rule.pk}
