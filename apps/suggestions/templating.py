"""Suggestion text templates: which placeholders a rule may use, checking and filling them.

Pure functions; no database. Templates use `str.format` syntax with named fields only.
"""

import string
from collections.abc import Mapping

from django.utils.translation import gettext as _

DEAL, ACCOUNT, STAGE = "deal", "account", "stage"
PLACEHOLDERS_BY_KIND: Mapping[str, frozenset[str]] = {
    "stage_next_step": frozenset({DEAL, ACCOUNT, STAGE}),
    "idle_deal": frozenset({DEAL, ACCOUNT, STAGE}),
    "open_a_deal": frozenset({ACCOUNT}),
}


def braced(names: frozenset[str]) -> str:
    """Return the placeholders as the lead types them: "{account}, {deal}"."""
    return ", ".join("{" + name + "}" for name in sorted(names))


def template_errors(template: str, allowed: frozenset[str]) -> list[str]:
    """Return what is wrong with `template` (empty when it can be filled with `allowed`)."""
    if not template.strip():
        return [_("Write the suggestion text.")]
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError:
        return [_("Unbalanced braces: write {{ and }} for a literal brace, or use one of %(allowed)s.")
                % {"allowed": braced(allowed)}]
    fields = [(name, spec, conv) for _text, name, spec, conv in parsed if name is not None]
    # Formatting options could smuggle in further fields ("{deal:{x}}"); plain names only.
    if any(spec or conv for _name, spec, conv in fields):
        return [_("Write placeholders plainly, such as {deal}, without formatting options.")]
    unknown = sorted({name for name, _spec, _conv in fields if name not in allowed})
    if unknown:
        return [
            _("Unknown placeholder %(unknown)s. This rule can use %(allowed)s.")
            % {"unknown": ", ".join("{" + name + "}" for name in unknown), "allowed": braced(allowed)}
        ]
    return []


def fill(template: str, values: Mapping[str, str]) -> str:
    """Return the template with its placeholders replaced (templates are checked on save)."""
    return template.format_map(dict(values))


def literal(text: str) -> str:
    """Return `text` escaped so that it can be used as a template without placeholders."""
    return text.replace("{", "{{").replace("}", "}}")
