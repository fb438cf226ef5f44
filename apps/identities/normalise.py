"""Canonical forms of people's ids in other systems. Pure functions, no database.

The same person reaches us spelled several ways: a Salesforce user id in its 15-character
(case-sensitive) or 18-character (case-insensitive) form, e-mail addresses in any case, a
Dynamics GUID with or without braces. Each is stored and looked up in one canonical form.
"""

import re

from apps.identities.sources import IdentitySource

_SALESFORCE_ID = re.compile(r"^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$")
_SALESFORCE_SUFFIX_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"


def salesforce_id_18(id15: str) -> str:
    """Return the 18-character form of a 15-character Salesforce id (case-safe checksum suffix)."""
    if len(id15) != 15:
        raise ValueError("A Salesforce id has 15 characters before its suffix.")
    suffix = ""
    for start in range(0, 15, 5):
        bits = sum(1 << position for position, char in enumerate(id15[start:start + 5]) if char.isupper())
        suffix += _SALESFORCE_SUFFIX_ALPHABET[bits]
    return id15 + suffix


def normalise_external_id(source: str, raw: str) -> str:
    """Return the canonical form of `raw` for `source`; raise ValueError when it is empty.

    - Salesforce: a 15- or 18-character id becomes its 18-character form (the case of the
      first 15 characters kept, the suffix recomputed); anything else is a user name, compared
      without case.
    - HubSpot: e-mail addresses without case; numeric ids as they are.
    - Dynamics: a systemuserid GUID in lower case without braces.
    - Any other source (a CSV's user column): trimmed, compared without case.
    """
    value = (raw or "").strip()
    if not value:
        raise ValueError("An external id cannot be empty.")
    if source == IdentitySource.SALESFORCE and _SALESFORCE_ID.match(value):
        return salesforce_id_18(value[:15])
    if source == IdentitySource.DYNAMICS:
        return value.strip("{}").lower()
    return value.casefold()
