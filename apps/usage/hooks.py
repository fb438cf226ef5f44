"""How the usage log announces "events recorded for these people" without knowing who listens.

Higher apps (scoring, quick wins) register a consumer in their `AppConfig.ready()`; the drain
task calls every consumer with the marked people and the earliest new event of each.
"""

import datetime as dt
from collections.abc import Callable, Mapping

RefreshConsumer = Callable[[Mapping[int, dt.datetime]], object]

_consumers: dict[str, RefreshConsumer] = {}


def register_refresh_consumer(name: str, consumer: RefreshConsumer) -> None:
    """Register `consumer` under `name` (registering a name again replaces it: ready() may rerun)."""
    _consumers[name] = consumer


def refresh_consumers() -> list[RefreshConsumer]:
    """Return the registered consumers in registration order."""
    return list(_consumers.values())
