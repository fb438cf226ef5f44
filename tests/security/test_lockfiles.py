"""Every installed package is locked with hashes: requirements*.lock (pip-compile
--generate-hashes) pin each direct and transitive dependency, agree with the hand-written pins in
requirements*.txt, and are what `make venv` installs, with --require-hashes."""

import re
from importlib import metadata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)")


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(path: Path) -> dict[str, str]:
    found = {}
    for line in path.read_text().splitlines():
        match = PIN.match(line.strip())
        if match:
            found[canonical(match.group(1))] = match.group(2)
    return found


def locked(path: Path) -> dict[str, tuple[str, list[str]]]:
    """Return {name: (version, hashes)} of a pip-compile lock file."""
    entries: dict[str, tuple[str, list[str]]] = {}
    text = path.read_text().replace("\\\n", " ")
    for line in text.splitlines():
        match = PIN.match(line.strip())
        if match:
            entries[canonical(match.group(1))] = (match.group(2), re.findall(r"--hash=sha256:([0-9a-f]{64})", line))
    return entries


@pytest.mark.parametrize(("lock", "source"), [("requirements.lock", "requirements.txt"),
                                              ("requirements-dev.lock", "requirements-dev.txt")])
def test_lock_has_a_hash_for_every_package_and_matches_the_pins(lock: str, source: str) -> None:
    entries = locked(ROOT / lock)
    assert len(entries) > 30
    assert [name for name, (_v, hashes) in entries.items() if not hashes] == []
    wanted = pins(ROOT / source)
    if source == "requirements-dev.txt":
        wanted |= pins(ROOT / "requirements.txt")
    missing_or_different = {name: (version, entries.get(name, ("missing",))[0])
                            for name, version in wanted.items() if entries.get(name, ("",))[0] != version}
    assert missing_or_different == {}, f"re-run the pip-compile command in {lock}'s header"


def test_runtime_lock_is_part_of_the_dev_lock() -> None:
    runtime, dev = locked(ROOT / "requirements.lock"), locked(ROOT / "requirements-dev.lock")
    assert {name: v for name, (v, _h) in runtime.items() if dev.get(name, ("",))[0] != v} == {}


def test_every_locked_package_is_installed_at_its_locked_version() -> None:
    different = {}
    for name, (version, _hashes) in locked(ROOT / "requirements-dev.lock").items():
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            installed = "missing"
        if installed != version:
            different[name] = (version, installed)
    assert different == {}


def test_make_venv_installs_the_lock_with_hashes_required() -> None:
    makefile = (ROOT / "Makefile").read_text()
    assert "pip install --quiet --require-hashes -r requirements-dev.lock" in makefile
    assert "-r requirements-dev.txt" not in makefile
