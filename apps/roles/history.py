"""The change history shown beside what was changed (a role, a stage, a person), in one trail.

Every configuration change is recorded once, by django-auditlog, in the trust app's audit trail
(`apps.trust.audit`). `roles` sits below `trust`, so the trust app registers how it reads that trail
in its AppConfig.ready; the role, stage and person pages ask here. `acting_as` names who made a
change when a service is told so explicitly (a command, a test, a job acting for a lead).
"""

import datetime as dt
import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import ParamSpec, TypeVar

from auditlog.context import auditlog_value, set_actor
from django.contrib.auth import get_user_model
from django.db import models

P = ParamSpec("P")
R = TypeVar("R")


@dataclass(frozen=True)
class HistoryChange:
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class HistoryLine:
    """One recorded change as pages show it: when, who, what was done to what, each field's old → new."""

    timestamp: dt.datetime
    actor: str
    action: str  # "created", "updated", "deleted"
    what: str
    object_repr: str
    changes: list[HistoryChange]


@dataclass(frozen=True)
class HistoryQuery:
    organisation_id: int
    model: type[models.Model] | None = None  # changes to objects of this model …
    object_id: int | None = None  # … or to this one object of it
    person_id: int | None = None  # or every change about this person (role, teams, active)
    limit: int = 50


HistoryReader = Callable[[HistoryQuery], list[HistoryLine]]
_reader: HistoryReader | None = None


def register_history_reader(reader: HistoryReader) -> None:
    """Called once by the trust app; a second call replaces the first (tests, reloads)."""
    global _reader
    _reader = reader


def history_of(
    *, organisation_id: int, model: type[models.Model] | None = None, object_id: int | None = None,
    person_id: int | None = None, limit: int = 50,
) -> list[HistoryLine]:
    """Return the newest recorded changes matching the query (nothing when no trail is installed)."""
    if _reader is None:
        return []
    return _reader(HistoryQuery(organisation_id=organisation_id, model=model, object_id=object_id,
                                person_id=person_id, limit=limit))


@contextmanager
def acting_as(user_id: int | None) -> Iterator[None]:
    """Record the changes made inside as made by `user_id` (None: whoever the request's user is).

    Inside a request whose user is already that person nothing changes. Otherwise the request's
    own actor is put back afterwards, so later changes in the same request keep their author.
    """
    try:
        outer = auditlog_value.get()
    except LookupError:
        outer = None
    current = getattr(outer.get("actor"), "pk", None) if outer else None
    if user_id is None or current == user_id:
        yield
        return
    actor = get_user_model().objects.filter(pk=user_id).first()
    try:
        with set_actor(actor):
            yield
    finally:
        if outer is not None:
            auditlog_value.set(outer)


def actor_from(parameter: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Decorate a service so the changes it makes are recorded as made by its `parameter` argument."""
    def decorate(service: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(service)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            actor_id = kwargs.get(parameter)
            with acting_as(actor_id if isinstance(actor_id, int) else None):
                return service(*args, **kwargs)
        return wrapper
    return decorate
