"""Request parsers that answer 400, never 500, for any body a client can send."""

from collections.abc import Mapping
from typing import IO, Any

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, except that nesting past the interpreter's stack is a 400.

    `json.loads` raises RecursionError (not ValueError) for `[[[[…` a few thousand deep, which
    DRF's parser does not catch.
    """

    def parse(self, stream: IO[Any], media_type: str | None = None,
              parser_context: Mapping[str, Any] | None = None) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise ParseError(_("JSON parse error - nested too deeply.")) from exc
