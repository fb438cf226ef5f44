"""A real CRM's opportunity export, imported twice: the manager's figures equal the file's.

The file has the columns of the public "CRM Sales Opportunities" data set (opportunity_id,
sales_agent, product, account, deal_stage, engage_date, close_date, close_value): thousands of
deals, owners by full name, open deals without an account or dates. A second export, where open
deals moved on, updates them. Every figure is then recomputed here from the file's own rows.
"""

import datetime as dt
import random
import statistics
from typing import Any

import pytest

from apps.activities.models import Deal, DealStageChange
from apps.coaching.selectors import deal_figures, team_coaching
from apps.roles.models import RoleKind
from tests import factories
from tests.conftest import World
from tests.imports.factories import csv_upload, imported_job

HEADER = ["opportunity_id", "sales_agent", "product", "account", "deal_stage", "engage_date", "close_date",
          "close_value"]
AGENTS = [("Anna", "Holm"), ("Bo", "Krag"), ("Cecilie", "Lund"), ("Dan", "Møller"), ("Eva", "Nørby"),
          ("Finn", "Ravn"), ("Gitte", "Storm"), ("Hans", "Thy"), ("Ida", "Vang"), ("Jens", "Ærø")]
PRODUCTS = ["GTX Basic", "GTX Pro", "MG Special", "MG Advanced", "GTK 500"]


def export(rng: random.Random, count: int) -> list[list[str]]:
    rows = []
    start = dt.date(2017, 1, 1)
    for n in range(count):
        first, last = rng.choice(AGENTS)
        stage = rng.choices(["Prospecting", "Engaging", "Won", "Lost"], weights=[10, 15, 45, 30])[0]
        engaged = start + dt.timedelta(days=rng.randint(0, 300))
        account = "" if stage == "Prospecting" and rng.random() < 0.8 else f"Account {rng.randint(1, 80)}"
        close = engaged + dt.timedelta(days=rng.randint(1, 140)) if stage in ("Won", "Lost") else None
        rows.append([
            f"OPP{n:05d}", f"{first} {last}", rng.choice(PRODUCTS), account, stage,
            "" if stage == "Prospecting" else engaged.isoformat(), close.isoformat() if close else "",
            str(rng.randint(100, 9000)) if stage == "Won" else "0" if stage == "Lost" else "",
        ])
    return rows


def re_export(rng: random.Random, rows: list[list[str]]) -> tuple[list[list[str]], int]:
    """Return the export a few weeks on: some open deals won or lost, some engaged; and how many changed."""
    later, changed = [], 0
    for row in rows:
        row = list(row)
        if row[4] in ("Prospecting", "Engaging") and rng.random() < 0.4:
            engaged = dt.date.fromisoformat(row[5]) if row[5] else dt.date(2017, 11, 1)
            row[5] = engaged.isoformat()
            if rng.random() < 0.5:
                row[4] = "Engaging" if row[4] == "Prospecting" else "Won"
            else:
                row[4] = "Lost"
            if row[4] in ("Won", "Lost"):
                row[6] = (engaged + dt.timedelta(days=rng.randint(1, 60))).isoformat()
                row[7] = str(rng.randint(100, 9000)) if row[4] == "Won" else "0"
            changed += 1
        later.append(row)
    return later, changed


def independent_figures(rows: list[list[str]], agents: set[str]) -> dict[str, Any]:
    mine = [r for r in rows if r[1] in agents]
    won = [r for r in mine if r[4] == "Won"]
    lost = [r for r in mine if r[4] == "Lost"]

    def cycle(r: list[str]) -> int:
        return (dt.date.fromisoformat(r[6]) - dt.date.fromisoformat(r[5])).days

    return {
        "won": len(won), "lost": len(lost), "open": len(mine) - len(won) - len(lost),
        "win_rate": len(won) / (len(won) + len(lost)),
        "median_won": statistics.median(cycle(r) for r in won),
        "median_closed": statistics.median(cycle(r) for r in won + lost),
    }


def test_a_realistic_export_and_its_re_export_give_the_managers_the_files_figures(
    world: World, django_capture_on_commit_callbacks: Any,
) -> None:
    for name, order in (("Prospecting", 11), ("Engaging", 12)):
        factories.StageFactory(organisation=world.org, name=name, order=order)
    factories.StageFactory(organisation=world.org, name="Lost", order=91, is_lost=True)
    teams = {"East": world.north, "West": world.south}
    people = {}
    for index, (first, last) in enumerate(AGENTS):
        user = factories.UserFactory(username=f"agent{index}", first_name=first, last_name=last)
        factories.MembershipFactory(user=user, role=world.roles[RoleKind.SALES_REP], organisation=world.org)
        factories.TeamMemberFactory(team=teams["East" if index < 5 else "West"], user=user)
        people[f"{first} {last}"] = user
    rng = random.Random(7)
    first_rows = export(rng, 3000)
    job = imported_job(world.lene, csv_upload([HEADER, *first_rows], delimiter=","),
                       django_capture_on_commit_callbacks, kind="deals")
    assert len(job.mapping) == 8  # every column of the export maps itself
    assert (job.imported_rows, job.error_rows) == (3000, 0)
    assert Deal.objects.filter(account__isnull=True).exists()
    assert DealStageChange.objects.count() == 0  # one export states no moves

    second_rows, changed = re_export(rng, first_rows)
    again = imported_job(world.lene, csv_upload([HEADER, *second_rows], delimiter=","),
                         django_capture_on_commit_callbacks, kind="deals")
    assert (again.imported_rows, again.updated_rows, again.skipped_duplicates) == (0, changed, 3000 - changed)
    assert again.preview["would_update"] == changed
    assert Deal.objects.count() == 3000

    east = {f"{f} {s}" for f, s in AGENTS[:5]}
    expected = independent_figures(second_rows, east)
    coaching = team_coaching(team=world.north)
    outcomes = coaching.team_outcomes
    assert (outcomes.won, outcomes.lost, outcomes.open) == (expected["won"], expected["lost"], expected["open"])
    assert outcomes.win_rate == pytest.approx(expected["win_rate"])
    assert outcomes.median_cycle_days == pytest.approx(expected["median_won"])
    assert outcomes.median_closed_cycle_days == pytest.approx(expected["median_closed"])
    for full_name in east:
        mine = independent_figures(second_rows, {full_name})
        rep = coaching.rep(people[full_name].pk).outcomes
        assert (rep.won, rep.lost, rep.open) == (mine["won"], mine["lost"], mine["open"])
        assert rep.median_cycle_days == pytest.approx(mine["median_won"])
    # The team page reads the same selector: the same numbers.
    team_page = deal_figures(organisation_id=world.org.pk, rep_ids=[people[n].pk for n in sorted(east)])
    assert team_page.team_outcomes.won == expected["won"]
    # No time in stage was made up: every move the re-export shows has an unknown duration, and
    # the stages' days are unknown, not numbers.
    assert DealStageChange.objects.filter(seconds_in_from_stage__isnull=False).count() == 0
    for stage in coaching.stages:
        assert coaching.team_stages[stage.pk].avg_days is None
    rendered = world.client_for(world.mads).get("/coaching/").content.decode()
    assert f"({expected['won']}/{expected['won'] + expected['lost']})" in rendered
