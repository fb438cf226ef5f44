"""Demo data for next-action rules: the defaults from the demo organisation's stages."""

from typing import TYPE_CHECKING

from apps.suggestions.services import suggestion_rules_install_defaults

if TYPE_CHECKING:
    from apps.demo.seed import DemoContext


def seed_demo(ctx: "DemoContext") -> None:
    """Install the default rules for the demo organisation."""
    suggestion_rules_install_defaults(organisation_id=ctx.organisation.pk)
