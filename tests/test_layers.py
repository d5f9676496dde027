"""The layers depend one way: tui/cli → release → store/report → domain, and domain does no
I/O. The report renders the domain's ``ReportData`` and never reads the store; the release
flow (render, sign, write, record) is the one place that uses both."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "kvtui"

FORBIDDEN = {
    "domain": ("kvtui.store", "kvtui.report", "kvtui.release", "kvtui.tui", "kvtui.cli",
               "kvtui.paths", "sqlmodel", "sqlalchemy", "sqlite3", "textual", "reportlab",
               "typer", "alembic", "os", "shutil", "platformdirs"),
    "store": ("kvtui.tui", "kvtui.cli", "kvtui.report", "kvtui.release", "textual",
              "reportlab", "typer"),
    "report": ("kvtui.tui", "kvtui.cli", "kvtui.store", "kvtui.release", "sqlmodel",
               "sqlalchemy", "textual", "typer"),
    "release": ("kvtui.tui", "kvtui.cli", "textual", "typer"),
}


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


def test_layer_direction() -> None:
    violations = []
    for layer, forbidden in FORBIDDEN.items():
        for path in (PACKAGE / layer).rglob("*.py"):
            for name in _imports(path):
                if any(name == bad or name.startswith(bad + ".") for bad in forbidden):
                    violations.append(f"{path.relative_to(PACKAGE)} imports {name}")
    assert violations == []


def test_every_layer_is_a_folder_with_modules() -> None:
    """A layer renamed or moved away would leave its rules checking nothing."""
    for layer in FORBIDDEN:
        assert list((PACKAGE / layer).rglob("*.py")), layer


def test_the_release_flow_uses_both_the_store_and_the_report() -> None:
    """The release flow sits above both: it is where rendering meets recording."""
    imported = {name for path in (PACKAGE / "release").rglob("*.py") for name in _imports(path)}
    assert any(name.startswith("kvtui.store.") for name in imported)
    assert any(name.startswith("kvtui.report.") for name in imported)


def test_checker_sees_imports() -> None:
    """The check would notice a violation: it reads real imports of a real module."""
    assert "sqlmodel" in _imports(PACKAGE / "store" / "models.py")


def _module_imports() -> dict[str, set[str]]:
    """Every kvtui module and the kvtui modules it imports, also inside functions."""
    modules = {".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts): path
               for path in PACKAGE.rglob("*.py") if "migrations" not in path.parts}
    return {name: {imported for imported in _imports(path) if imported in modules}
            for name, path in modules.items()}


def test_the_masking_of_stored_texts_is_above_the_rule() -> None:
    """``stored_idnumbers`` uses the store's rule, its models and its change log; none of
    them imports it back, at any depth, not even inside a function."""
    graph = _module_imports()
    seen: set[str] = set()
    waiting = list(graph["kvtui.store.stored_idnumbers"])
    while waiting:
        name = waiting.pop()
        if name not in seen:
            seen.add(name)
            waiting.extend(graph[name])
    assert "kvtui.store.stored_idnumbers" not in seen
