"""Every periodic job in the beat schedule names a task that exists, and expires before it recurs."""

import datetime as dt
import itertools

import pytest
from celery.schedules import crontab, schedule
from django.conf import settings

from crm_adoption.celery import app


def _matches(cron: crontab, moment: dt.datetime) -> bool:
    # Celery numbers weekdays from Sunday = 0; isoweekday() gives Monday = 1 … Sunday = 7.
    return (
        moment.minute in cron.minute
        and moment.hour in cron.hour
        and moment.isoweekday() % 7 in cron.day_of_week
        and moment.day in cron.day_of_month
        and moment.month in cron.month_of_year
    )


def estimate_interval_seconds(entry_schedule: crontab | schedule) -> int:
    """Return the shortest time between two runs (PostHog's estimate_crontab_interval_seconds idea).

    A crontab is walked minute by minute over four weeks from a fixed Monday, so weekly entries
    recur at least three times; an interval schedule is its own period.
    """
    if isinstance(entry_schedule, crontab):
        start = dt.datetime(2026, 1, 5)  # a Monday
        runs = [
            moment
            for minute in range(28 * 24 * 60)
            if _matches(entry_schedule, moment := start + dt.timedelta(minutes=minute))
        ]
        assert len(runs) >= 2, "the schedule runs less than twice in four weeks"
        return int(min((later - earlier).total_seconds() for earlier, later in itertools.pairwise(runs)))
    return int(entry_schedule.run_every.total_seconds())


@pytest.mark.parametrize(
    ("cron", "seconds"),
    [
        (crontab(minute="*"), 60),
        (crontab(minute="*/10"), 600),
        (crontab(minute=5), 3600),
        (crontab(minute=0, hour=2), 86400),
        (crontab(minute="0,45", hour="1,2"), 15 * 60),  # 01:45 → 02:00 is the shortest gap
        (crontab(minute=15, hour=0, day_of_week="mon"), 7 * 86400),
        (crontab(minute=0, hour=6, day_of_week="mon,wed"), 2 * 86400),
        (schedule(run_every=dt.timedelta(minutes=3)), 180),
    ],
)
def test_the_interval_estimate_is_the_shortest_gap_between_runs(cron: crontab | schedule, seconds: int) -> None:
    assert estimate_interval_seconds(cron) == seconds


@pytest.mark.parametrize("name", sorted(settings.CELERY_BEAT_SCHEDULE))
def test_beat_entry_names_a_registered_task(name: str) -> None:
    app.loader.import_default_modules()
    entry = settings.CELERY_BEAT_SCHEDULE[name]
    assert entry["task"] in app.tasks, f"{name}: {entry['task']} is not a registered task"


@pytest.mark.parametrize("name", sorted(settings.CELERY_BEAT_SCHEDULE))
def test_beat_entry_expires_before_it_recurs(name: str) -> None:
    entry = settings.CELERY_BEAT_SCHEDULE[name]
    expires = entry["options"]["expires"]
    interval = estimate_interval_seconds(entry["schedule"])
    assert 0 < expires < interval, f"{name}: expires after {expires} s but recurs every {interval} s"


def test_tasks_acknowledge_late_and_are_redelivered_when_a_worker_dies() -> None:
    assert settings.CELERY_TASK_ACKS_LATE is True
    assert settings.CELERY_TASK_REJECT_ON_WORKER_LOST is True
    assert settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] > settings.CELERY_TASK_TIME_LIMIT
