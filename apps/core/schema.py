"""The OpenAPI schema's own parts: our authentication classes and the error answers (drf-spectacular)."""

from typing import Any

from drf_spectacular.authentication import BasicScheme


class LockoutBasicScheme(BasicScheme):
    """Basic auth with login lockout is, to a client, plain HTTP basic auth."""

    target_class = "apps.core.authentication.LockoutBasicAuthentication"


# What every error answer of the API looks like: DRF's {"detail": …} or {"field": ["…"]}.
ERROR_SCHEMA = {
    "type": "object",
    "additionalProperties": True,
    "description": "Why the request was refused: `detail`, or the reasons per field (each a list of messages).",
}
_ERRORS = {
    "401": "Not signed in, or the credentials are wrong.",
    "403": "Signed in, but not allowed (another organisation's data, a missing key scope, a revoked key).",
    "429": "Too many requests: wait for the seconds in Retry-After.",
}
_BAD_INPUT = ("400", "The request is malformed or a value is refused; nothing was saved.")
_NOT_FOUND = ("404", "No such object that you may see.")


def document_error_responses(
    result: dict[str, Any], generator: object, request: object, public: bool
) -> dict[str, Any]:
    """Document the error answers every operation can give (a drf-spectacular postprocessing hook).

    The views answer 400 for refused input, 401/403 from authentication and the policies, 404
    for an object one may not see and 429 from the throttles; the schema says so, once, here.
    """
    body = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path, methods in result.get("paths", {}).items():
        for method, operation in methods.items():
            errors = dict(_ERRORS)
            if method in ("post", "put", "patch") or operation.get("parameters"):
                errors[_BAD_INPUT[0]] = _BAD_INPUT[1]
            if "{" in path:
                errors[_NOT_FOUND[0]] = _NOT_FOUND[1]
            responses = operation.setdefault("responses", {})
            for code, description in errors.items():
                responses.setdefault(code, {"description": description, "content": body})
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    return result
