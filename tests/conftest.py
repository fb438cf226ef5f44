"""Shared fixtures: one organisation with named people in every role.

- rita (sales rep, team North), ronja (sales rep, team South)
- mads (manager of North), lene (project lead), sam (service agent, North), maja (marketer)
"""

import os
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import AbstractUser
from django.test import Client

from apps.activities.models import Stage
from apps.roles.models import Organisation, Role, RoleKind, Team
from tests import factories


@dataclass
class World:
    org: Organisation
    roles: dict[str, Role]
    north: Team
    south: Team
    rita: AbstractUser
    ronja: AbstractUser
    mads: AbstractUser
    lene: AbstractUser
    sam: AbstractUser
    maja: AbstractUser
    stages: list[Stage]

    def client_for(self, user: AbstractUser) -> Client:
        client = Client()
        client.force_login(user)
        return client


@pytest.fixture(autouse=True)
def _eager_celery(settings: Any) -> None:
    """Run tasks in-process unless a test asks for the real worker (services marker)."""
    from crm_adoption.celery import app

    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True


@pytest.fixture(autouse=True)
def _english(settings: Any) -> None:
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def world(db: Any) -> World:
    org = factories.OrganisationFactory(name="Testorg")
    roles = {kind: factories.RoleFactory(organisation=org, kind=kind) for kind in RoleKind.values}
    north = factories.TeamFactory(organisation=org, name="North")
    south = factories.TeamFactory(organisation=org, name="South")

    def person(username: str, kind: str, team: Team | None, manager: bool = False) -> AbstractUser:
        user = factories.UserFactory(username=username, first_name=username.capitalize(), last_name="Test")
        factories.MembershipFactory(user=user, role=roles[kind], organisation=org)
        if team is not None:
            factories.TeamMemberFactory(team=team, user=user, is_manager=manager)
        return user

    stages = [
        factories.StageFactory(organisation=org, name=name, order=i + 1, next_step=step)
        for i, (name, step) in enumerate([("Lead", "Call to qualify"), ("Meeting", "Send a proposal"),
                                          ("Proposal", "Follow up the proposal")])
    ]
    stages.append(factories.StageFactory(organisation=org, name="Won", order=90, is_won=True, next_step=""))
    return World(
        org=org, roles=roles, north=north, south=south,
        rita=person("rita", RoleKind.SALES_REP, north),
        ronja=person("ronja", RoleKind.SALES_REP, south),
        mads=person("mads", RoleKind.MANAGER, north, manager=True),
        lene=person("lene", RoleKind.PROJECT_LEAD, None),
        sam=person("sam", RoleKind.SERVICE_AGENT, north),
        maja=person("maja", RoleKind.MARKETER, south),
        stages=stages,
    )


def services_available() -> bool:
    return bool(os.environ.get("DATABASE_URL", "").startswith("postgres") and os.environ.get("REDIS_URL"))
