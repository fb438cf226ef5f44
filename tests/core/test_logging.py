"""Structured logs: JSON lines with a timestamp, the request id (X-Request-ID) and, inside a Celery
task, the task's name and id; a task enqueued during a request carries the request's id."""

import io
import json
import logging
import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from apps.core.log import ContextFilter, accepted_request_id, add_request_id_to_message, request_id_var
from crm_adoption.celery import app as celery_app


@celery_app.task(name="tests.core.log_inside_a_task")
def log_inside_a_task(word: str) -> str:
    logging.getLogger("tests.core.task").info("working on %s", word)
    return word


def console_handler() -> logging.Handler:
    return next(h for h in logging.getLogger().handlers if h.name == "console")


def json_lines(stream_text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream_text.splitlines() if line.strip()]


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    handler = console_handler()
    assert isinstance(handler, logging.StreamHandler)
    stream = io.StringIO()
    previous = handler.setStream(stream)
    try:
        yield stream
    finally:
        handler.setStream(previous)


def test_production_logs_are_json_with_timestamp_and_context(captured: io.StringIO) -> None:
    assert settings.LOG_FORMAT == "json"  # the suite runs with DEBUG=false, as production
    before = timezone.now()
    logging.getLogger("tests.core").warning("disk at %d %%", 91)
    (line,) = json_lines(captured.getvalue())
    assert line["message"] == "disk at 91 %"
    assert line["level"] == "WARNING"
    assert line["logger"] == "tests.core"
    stamp = datetime.fromisoformat(line["timestamp"])
    assert stamp.utcoffset() == timedelta(0)
    assert before - timedelta(seconds=1) <= stamp <= timezone.now() + timedelta(seconds=1)
    assert line["request_id"] == line["task_id"] == line["task_name"] == ""


@pytest.mark.django_db
def test_every_response_has_a_request_id_and_its_logs_carry_it(captured: io.StringIO) -> None:
    response = Client().get("/no-such-page/")
    request_id = response["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)
    # Django's own line about the 404 is written after the middleware returns; it carries the id.
    not_found = [line for line in json_lines(captured.getvalue()) if line["message"].startswith("Not Found")]
    assert [line["request_id"] for line in not_found] == [request_id]
    assert Client().get("/no-such-page/")["X-Request-ID"] != request_id


@pytest.mark.django_db
def test_a_sane_incoming_request_id_is_kept() -> None:
    for incoming in ("4bf92f3577b34da6a3ce929d0e0e4736", "req-2026.12.02:42", "A" * 100):
        assert Client().get("/healthz", HTTP_X_REQUEST_ID=incoming)["X-Request-ID"] == incoming


@pytest.mark.django_db
def test_an_insane_incoming_request_id_is_replaced() -> None:
    for incoming in ("A" * 101, "two words", "<script>", "line\nbreak", "-starts-with-dash", "ø"):
        returned = Client().get("/healthz", HTTP_X_REQUEST_ID=incoming)["X-Request-ID"]
        assert returned != incoming
        assert re.fullmatch(r"[0-9a-f]{32}", returned)
    assert accepted_request_id(None) != accepted_request_id(None)


def test_task_logs_carry_the_task_name_and_id(captured: io.StringIO) -> None:
    result = log_inside_a_task.apply(args=["kudos"], task_id="task-id-for-the-test")
    assert result.get() == "kudos"
    inside = [line for line in json_lines(captured.getvalue()) if line["logger"] == "tests.core.task"]
    assert len(inside) == 1
    assert inside[0]["message"] == "working on kudos"
    assert inside[0]["task_name"] == "tests.core.log_inside_a_task"
    assert inside[0]["task_id"] == "task-id-for-the-test"


def test_a_task_sent_during_a_request_carries_the_request_id() -> None:
    token = request_id_var.set("req-abc")
    try:
        headers: dict[str, Any] = {"id": "t1"}
        add_request_id_to_message(headers=headers)
        assert headers["request_id"] == "req-abc"
    finally:
        request_id_var.reset(token)
    outside: dict[str, Any] = {"id": "t2"}
    add_request_id_to_message(headers=outside)
    assert "request_id" not in outside


def test_a_worker_logs_the_request_id_its_task_message_carried() -> None:
    class FakeTaskRequest:
        id = "t-9"
        request_id = "req-from-the-web"

    class FakeTask:
        name = "apps.usage.tasks.drain_refresh_marks"
        request = FakeTaskRequest()

    record = logging.LogRecord("x", logging.INFO, __file__, 1, "m", None, None)
    from celery._state import _task_stack

    _task_stack.push(FakeTask())
    try:
        ContextFilter().filter(record)
    finally:
        _task_stack.pop()
    assert (record.request_id, record.task_name, record.task_id) == (
        "req-from-the-web", "apps.usage.tasks.drain_refresh_marks", "t-9")


def test_text_format_has_the_same_fields(captured: io.StringIO) -> None:
    handler = console_handler()
    formatter = logging.Formatter(settings.LOGGING["formatters"]["text"]["format"])
    previous, handler.formatter = handler.formatter, formatter
    token = request_id_var.set("req-text")
    try:
        logging.getLogger("tests.core").info("plain")
    finally:
        request_id_var.reset(token)
        handler.formatter = previous
    line = captured.getvalue().strip()
    assert re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} INFO tests.core \[request=req-text task= \] plain$", line)
