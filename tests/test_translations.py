"""Every Danish catalogue is complete and compiled: no page falls back to English by accident."""

from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = sorted(
    p for p in ROOT.glob("**/locale/da/LC_MESSAGES/django.po") if ".venv" not in p.parts
)


def test_every_app_with_templates_has_a_danish_catalogue() -> None:
    apps_with_templates = {p.parent.name for p in ROOT.glob("apps/*/templates")}
    apps_with_catalogues = {p.parts[-5] for p in CATALOGUES if p.parts[-6] == "apps"}
    assert apps_with_templates <= apps_with_catalogues


@pytest.mark.parametrize("path", CATALOGUES, ids=[str(p.relative_to(ROOT)) for p in CATALOGUES])
def test_catalogue_is_fully_translated_and_compiled(path: Path) -> None:
    catalogue = polib.pofile(str(path))
    assert [e.msgid for e in catalogue.untranslated_entries()] == []
    assert [e.msgid for e in catalogue.fuzzy_entries()] == []
    compiled = polib.mofile(str(path.with_suffix(".mo")))
    assert {e.msgid: e.msgstr for e in compiled if not e.msgid_plural} == {
        e.msgid: e.msgstr for e in catalogue.translated_entries() if not e.msgid_plural
    }
