"""The pure parts of the engine: template checking, feedback tuning, rule lookup."""

import datetime as dt

import pytest

from apps.suggestions import rules, tuning
from apps.suggestions.templating import PLACEHOLDERS_BY_KIND, fill, literal, template_errors

DEAL_PLACEHOLDERS = PLACEHOLDERS_BY_KIND["idle_deal"]


def test_a_template_with_known_placeholders_has_no_errors() -> None:
    assert template_errors("Call {account} about {deal} ({stage})", DEAL_PLACEHOLDERS) == []


def test_an_unknown_placeholder_is_named_in_the_error() -> None:
    errors = template_errors("Call {customer} about {deal}", DEAL_PLACEHOLDERS)
    assert len(errors) == 1
    assert "{customer}" in errors[0]
    assert "{account}, {deal}, {stage}" in errors[0]


def test_open_a_deal_rules_cannot_use_deal_placeholders() -> None:
    assert template_errors("Open {deal}", PLACEHOLDERS_BY_KIND["open_a_deal"]) != []
    assert template_errors("Open a deal for {account}", PLACEHOLDERS_BY_KIND["open_a_deal"]) == []


@pytest.mark.parametrize("template", ["Call {deal", "Call }deal", "{deal.__class__}", "{deal!r}", "{deal:{x}}", "{}",
                                      "{0}", "   "])
def test_malformed_or_unsafe_templates_are_rejected(template: str) -> None:
    assert template_errors(template, DEAL_PLACEHOLDERS) != []


def test_literal_text_survives_filling() -> None:
    assert fill(literal("Send {draft} proposal") + " – {deal}", {"deal": "Pilot"}) == "Send {draft} proposal – Pilot"


@pytest.mark.parametrize(
    ("accepted", "dismissed", "muted"),
    [(0, 4, False), (1, 4, True), (0, 5, True), (2, 8, True), (3, 7, False), (5, 0, False), (0, 0, False)],
)
def test_a_rule_is_muted_after_five_decisions_mostly_dismissed(accepted: int, dismissed: int, muted: bool) -> None:
    assert tuning.is_muted(accepted=accepted, dismissed=dismissed) is muted


def test_acceptance_rate_is_a_percentage_or_none() -> None:
    assert tuning.acceptance_rate(accepted=0, dismissed=0) is None
    assert str(tuning.acceptance_rate(accepted=1, dismissed=2)) == "33.3"


def _facts(**overrides: object) -> rules.DealFacts:
    values: dict[str, object] = {
        "deal_id": 1, "deal_name": "Pilot", "account_id": 2, "account_name": "Acme", "stage_id": 3,
        "stage_name": "Proposal", "stage_next_step": "Follow up", "stage_idle_days": 14, "stage_closed": False,
        "last_activity_at": dt.datetime(2026, 11, 1, 10, tzinfo=dt.UTC),
    }
    values.update(overrides)
    return rules.DealFacts(**values)  # type: ignore[arg-type]


def _config(**overrides: object) -> rules.RuleConfig:
    values: dict[str, object] = {"rule_id": 7, "kind": "idle_deal", "text_template": "Ring {account} re {deal}",
                                 "idle_days": None, "enabled": True}
    values.update(overrides)
    return rules.RuleConfig(**values)  # type: ignore[arg-type]


def test_idle_rule_uses_its_own_days_and_text_and_says_why() -> None:
    now = dt.datetime(2026, 11, 6, 10, tzinfo=dt.UTC)  # five quiet days
    assert rules.idle_deal(_facts(), now, _config()) is None  # the stage allows 14
    draft = rules.idle_deal(_facts(), now, _config(idle_days=5))
    assert draft is not None
    assert (draft.text, draft.rule_id) == ("Ring Acme re Pilot", 7)
    assert draft.reason == "No activity for 5 days; deals in “Proposal” usually go cold after 5."


def test_a_disabled_rule_makes_nothing() -> None:
    now = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    assert rules.idle_deal(_facts(), now, _config(enabled=False)) is None
    assert rules.after_activity_on_deal(_facts(), "Call", _config(kind="stage_next_step", enabled=False)) is None


def test_rule_book_prefers_the_stage_rule_over_the_organisation_wide_one() -> None:
    stage_rule, org_rule = _config(rule_id=1), _config(rule_id=2)
    book = rules.RuleBook({("idle_deal", 3): stage_rule, ("idle_deal", None): org_rule})
    assert book.for_stage("idle_deal", 3) is stage_rule
    assert book.for_stage("idle_deal", 4) is org_rule
    assert book.for_stage("stage_next_step", 3) is None
