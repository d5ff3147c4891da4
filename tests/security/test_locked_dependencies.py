"""Deployment installs what was tested: every dependency pinned, every pin with its hash."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def normalised(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def locked() -> dict[str, str]:
    """Package name → the text of its entry in requirements.lock."""
    text = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    entries = re.split(r"\n(?=[A-Za-z0-9])", text.split("\n\n", 1)[-1])
    found = {}
    for entry in entries:
        match = re.match(r"([A-Za-z0-9_.-]+)==", entry)
        if match:
            found[normalised(match.group(1))] = entry
    return found


def test_every_dependency_of_the_package_is_pinned_in_the_lock():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    names = (re.split(r"[<>=!~\[; ]", spec, maxsplit=1)[0] for spec in project["dependencies"])
    wanted = {normalised(name) for name in names}
    assert wanted - set(locked()) == set()


def test_every_pin_carries_a_hash():
    unhashed = [name for name, entry in locked().items() if "--hash=sha256:" not in entry]
    assert unhashed == []
