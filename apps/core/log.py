"""Log context: the request id of the web request, and the Celery task (name, id) being run.

`RequestIdMiddleware` gives every request an id (the caller's X-Request-ID when it is sane, a
new one otherwise) and returns it in the response; `ContextFilter` adds it, and the current
task's name and id, to every log record, so one line in the JSON logs says which request or
task wrote it. A task enqueued during a request carries the request id in its message headers.
"""

import logging
import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from celery import current_task
from django.http import HttpRequest, HttpResponse

REQUEST_ID_HEADER = "X-Request-ID"
# What a proxy or client may pass on: a uuid, a trace id, a short token. Anything else (too
# long, spaces, control characters, markup) is replaced, so logs cannot be forged through it.
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:\-]{0,99}")

request_id_var: ContextVar[str] = ContextVar("request_id", default="")


def new_request_id() -> str:
    return uuid.uuid4().hex


def accepted_request_id(incoming: str | None) -> str:
    """Return the incoming id when it is sane, otherwise a new one."""
    if incoming and SANE_REQUEST_ID.fullmatch(incoming):
        return incoming
    return new_request_id()


class RequestIdMiddleware:
    """Set the request id for the request's logs, and answer with it in X-Request-ID."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = accepted_request_id(request.headers.get(REQUEST_ID_HEADER))
        request.request_id = request_id  # type: ignore[attr-defined]
        # Kept until the response is closed (clear_request_id), so that Django's own line
        # about the response ("Not Found: …"), written after the middleware, carries it too.
        request_id_var.set(request_id)
        response = self.get_response(request)
        response[REQUEST_ID_HEADER] = request_id
        return response


def clear_request_id(**kwargs: Any) -> None:
    """Forget the request id once its response is finished (request_finished)."""
    request_id_var.set("")


class ContextFilter(logging.Filter):
    """Add request_id, task_name and task_id to every record (empty when there is none)."""

    def filter(self, record: logging.LogRecord) -> bool:
        task = current_task
        task_id = getattr(task.request, "id", None) if task else None
        record.task_id = task_id or ""
        record.task_name = (task.name or "") if task and task_id else ""
        record.request_id = request_id_var.get() or (_request_id_of_task(task.request) if task_id else "")
        return True


def _request_id_of_task(task_request: Any) -> str:
    """Return the request id a task's message carried (a custom header), or ""."""
    carried = getattr(task_request, "request_id", None) or (getattr(task_request, "headers", None) or {}).get(
        "request_id")
    return str(carried) if carried else ""


def add_request_id_to_message(headers: dict[str, Any] | None = None, **kwargs: Any) -> None:
    """Carry the current request id into the headers of a task being sent (before_task_publish)."""
    request_id = request_id_var.get()
    if headers is not None and request_id and "request_id" not in headers:
        headers["request_id"] = request_id
