"""The tree reads as the architecture: small files, quiet packages, a pure engine.

The import arrows themselves are checked by ``lint-imports`` (``make lint``);
these are the rules an import graph cannot see.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CODE = ("booking", "notifications", "scheduler", "config", "bench")
MAX_LINES = 400
MAX_LOOSE_MODULES = 8


def python_files():
    for top in CODE:
        yield from sorted((ROOT / top).rglob("*.py"))


@pytest.mark.parametrize("path", list(python_files()), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_passes_the_size_of_one_idea(path):
    lines = path.read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_LINES, f"{path.relative_to(ROOT)} has {lines} lines"


def test_every_module_says_what_it_holds():
    undocumented = [
        str(path.relative_to(ROOT))
        for path in python_files()
        if path.name != "__main__.py"
        and not ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
        and "versions" not in path.parts
    ]
    assert undocumented == []


def test_packages_hold_only_a_docstring_so_no_package_and_its_modules_import_each_other():
    busy = []
    for init in sorted((ROOT / "booking").rglob("__init__.py")):
        body = ast.parse(init.read_text(encoding="utf-8")).body
        if [node for node in body if not isinstance(node, ast.Expr)]:
            busy.append(str(init.relative_to(ROOT)))
    assert busy == []


def test_few_modules_lie_loose_in_booking():
    loose = sorted(path.name for path in (ROOT / "booking").glob("*.py"))
    assert len(loose) <= MAX_LOOSE_MODULES, loose


def test_every_blueprint_lives_in_a_blueprint_module():
    from booking.app import create_app

    app = create_app({"BOOKING_DATABASE_URL": "sqlite://", "BOOKING_SECRET_KEY": "x" * 32})
    for blueprint in app.blueprints.values():
        assert blueprint.import_name.endswith(".blueprint"), blueprint.import_name


@pytest.mark.parametrize(
    "module",
    ["booking", "booking.engine.slots", "booking.engine.calendar_rules", "booking.engine.clock"],
)
def test_importing_the_engine_loads_neither_flask_nor_sqlalchemy(module):
    loaded = _modules_loaded_by(module)
    assert not {"flask", "sqlalchemy"} & loaded


@pytest.mark.parametrize("module", ["scheduler.app", "notifications.senders", "notifications.sms"])
def test_the_scheduler_and_notifications_load_no_flask(module):
    assert "flask" not in _modules_loaded_by(module)


def _modules_loaded_by(module: str) -> set[str]:
    code = (
        f"import sys, {module}; print(' '.join(sorted({{m.split('.')[0] for m in sys.modules}})))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return set(result.stdout.split())
