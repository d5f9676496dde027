"""kvtui's modules import one another one way: no cycle, and no import hidden in a function to
hold one together.

Every import counts, also one inside a function: it runs as surely as one at the top, only
later. Imports under ``if TYPE_CHECKING:`` are left out of the cycle check, since they never
run; a cycle through them alone is allowed (it binds only annotations). ``from package import
name`` depends on the submodule ``package.name`` when there is one. The migrations are scripts
Alembic loads by path and are not checked.

An import inside a function is refused unless ``STARTUP_IMPORTS`` names it: those are the
places that put a heavy import off so that the app, ``kvtui --help`` or a store's opening do not
wait for it (``tests/cli/test_app_start.py``, ``tests/store/test_lazy_open.py``,
``tests/report/test_signature.py`` check the loading itself).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "kvtui"

# (module, what it imports inside a function): why the import waits. A third-party package is
# named by its top-level name and covers its submodules; a kvtui module is named whole.
STARTUP_IMPORTS: dict[tuple[str, str], str] = {
    # A store at the current schema opens and lists its reviews with plain sqlite3; the ORM,
    # the change log and Alembic load on first use (tests/store/test_lazy_open.py).
    ("kvtui.store.database", "sqlalchemy"): "the ORM loads after the first frame",
    ("kvtui.store.database", "sqlmodel"): "the ORM loads after the first frame",
    ("kvtui.store.database", "kvtui.store.models"): "the row models load with the ORM",
    ("kvtui.store.database", "kvtui.store.idnumber_rule"): "its listener needs the ORM",
    ("kvtui.store.database", "kvtui.store.changelog"): "the log is read through the ORM",
    ("kvtui.store.database", "kvtui.store.schema"): "``kvtui check`` only; loads Alembic",
    ("kvtui.store.database", "kvtui.store.signed_record"): "``kvtui check`` only; the ORM",
    ("kvtui.store.database", "kvtui.store.stored_idnumbers"): "``kvtui check`` only; the ORM",
    ("kvtui.store.database", "kvtui.store.plan_lock"): "``kvtui check`` only; the ORM",
    ("kvtui.store.engine", "sqlalchemy"): "the engine is made on first use, after the frame",
    ("kvtui.store.migrate", "alembic"): "only a store below the current schema needs it",
    # An image is decoded only when a logo is set or a report is made (``kvtui.look``):
    # ``kvtui settings`` and the app's first frame show the settings without them.
    ("kvtui.look", "PIL"): "only when a logo is checked",
    ("kvtui.look", "reportlab"): "only when a logo is checked",
    ("kvtui.look", "svglib"): "only when an SVG logo is checked",
    # A default folder is looked up only when no folder is given.
    ("kvtui.paths", "platformdirs"): "read before the first frame; rarely needed",
    # Heavy libraries the app and the command line load only for the work that needs them.
    ("kvtui.domain.casefile_import", "openpyxl"): "only when an .xlsx list is read",
    ("kvtui.store.exports", "xlsxwriter"): "only when a workbook is written",
    ("kvtui.store.plan_export", "xlsxwriter"): "only when a workbook is written",
    ("kvtui.report.fonts", "reportlab"): "kvtui.report.signature reads FONT_DIR without it",
    # The sign-off page reads SIGNATURE_BOX without paying pyHanko's import
    # (tests/report/test_signature.py checks that importing the module loads none of these).
    ("kvtui.report.signature", "pyhanko"): "only when a PDF is signed or checked",
    ("kvtui.report.signature", "pyhanko_certvalidator"): "only when a signature is checked",
    ("kvtui.report.signature", "cryptography"): "only when a certificate is read",
    ("kvtui.report.signature", "asn1crypto"): "only when a certificate is read",
    ("kvtui.report.signature", "asyncio"): "only when signing from inside an event loop",
    # The app draws its first frame before SQLModel or a screen beyond the review list loads
    # (tests/cli/test_app_start.py): each screen, the palette and the store's modules load
    # when first used.
    ("kvtui.tui.app", "kvtui.tui"): "each screen and the palette load when first opened",
    ("kvtui.tui.app", "kvtui.store"): "the store loads SQLModel, after the first frame",
    ("kvtui.tui.dialogs.unsaved", "kvtui.store.drafts"): "a close on SIGHUP with no dialog "
                                                         "open does not load SQLModel",
    ("kvtui.tui.widgets.report_part", "kvtui.report.document"): "ReportLab loads in the "
                                                                "export worker",
    ("kvtui.tui.widgets.report_part", "kvtui.release.word_copy"): "python-docx loads in the "
                                                                  "export worker",
    ("kvtui.tui.screens.plan", "kvtui.report.plan_document"): "ReportLab loads in the "
                                                              "export worker",
    ("kvtui.tui.screens.reviews", "kvtui.store"): "a bundle's SQLModel and cryptography, the "
                                                  "archive's psycopg load in their workers",
    ("kvtui.tui.screens.archive", "kvtui.store"): "the archive's psycopg loads in its worker",
    # The command line answers ``kvtui --help`` and a mistyped command before SQLModel,
    # ReportLab or Textual load (tests/cli/test_app_start.py): each command imports the store,
    # the report and the release flow it uses inside itself.
    ("kvtui.cli", "kvtui.cli.typer_app"): "a bare ``kvtui`` opens the app without the commands",
    ("kvtui.cli.swedish_help", "typer"): "the help renderer (Rich) loads when a page is drawn",
    ("kvtui.cli.shared", "kvtui.store"): "the store loads SQLModel",
    ("kvtui.cli.shared", "kvtui.tui.app"): "only a bare ``kvtui`` opens the app",
    ("kvtui.cli.reviews", "kvtui.store"): "the store loads SQLModel",
    ("kvtui.cli.conflicts", "kvtui.store"): "the store loads SQLModel",
    ("kvtui.cli.case_files", "kvtui.store"): "the store loads SQLModel",
    ("kvtui.cli.assignments", "kvtui.store"): "the store loads SQLModel",
    ("kvtui.cli.encryption", "kvtui.store"): "converting loads the store's checks",
    # SQLCipher is a compiled module only an encrypted store needs.
    ("kvtui.store.cipher", "sqlcipher3"): "only an encrypted store loads SQLCipher",
    ("kvtui.cli.exports", "kvtui.store"): "the store loads SQLModel",
    ("kvtui.cli.exports", "kvtui.report"): "the report loads ReportLab",
    ("kvtui.cli.exports", "kvtui.release"): "the release flow loads ReportLab and SQLModel",
    ("kvtui.cli.release", "kvtui.store"): "the store loads SQLModel",
    ("kvtui.cli.release", "kvtui.release"): "the release flow loads ReportLab and SQLModel",
    ("kvtui.cli.maintenance", "kvtui.store"): "the store loads SQLModel",
    ("kvtui.cli.templates", "kvtui.store"): "the store loads SQLModel",
    ("kvtui.cli.plan", "kvtui.store"): "the store loads SQLModel",
    ("kvtui.cli.bundle", "kvtui.store"): "the store loads SQLModel and cryptography",
    ("kvtui.cli.plan", "kvtui.report"): "the follow-up report loads ReportLab",
    ("kvtui.cli.plan_records", "kvtui.store"): "the store loads SQLModel",
    ("kvtui.cli.archive", "kvtui.store"): "the archive loads SQLModel and psycopg",
    # The archive's optional package, looked for only when an archive command runs.
    ("kvtui.store.errors", "psycopg"): "whether the arkiv extra is installed",
}

@dataclass(frozen=True)
class Import:
    """One import statement's target as kvtui sees it."""

    module: str  # the importing module
    target: str  # the module imported (a kvtui submodule when ``from package import sub``)
    in_function: bool
    type_only: bool  # under ``if TYPE_CHECKING:``
    line: int


def module_paths(package: Path) -> dict[str, Path]:
    """Every module of ``package`` by its dotted name, the migrations left out."""
    root = package.parent
    found = {}
    for path in sorted(package.rglob("*.py")):
        if "migrations" in path.relative_to(package).parts:
            continue
        parts = path.relative_to(root).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _walk(node: ast.AST, in_function: bool, type_only: bool
          ) -> Iterator[tuple[ast.Import | ast.ImportFrom, bool, bool]]:
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.Import | ast.ImportFrom):
            yield child, in_function, type_only
        elif isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            yield from _walk(child, True, type_only)
        elif isinstance(child, ast.If) and _is_type_checking(child.test):
            for statement in child.body:
                yield from _walk(ast.Module(body=[statement], type_ignores=[]), in_function,
                                 True)
            for statement in child.orelse:
                yield from _walk(ast.Module(body=[statement], type_ignores=[]), in_function,
                                 type_only)
        else:
            yield from _walk(child, in_function, type_only)


def _absolute(module: str, path: Path, node: ast.ImportFrom) -> str:
    if node.level == 0:
        return node.module or ""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for _ in range(node.level - 1):
        package = package.rpartition(".")[0]
    return f"{package}.{node.module}" if node.module else package


def imports_of(module: str, path: Path, modules: set[str]) -> list[Import]:
    """Every import in a module; ``from package import name`` names the submodule if it is
    one of ``modules``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node, in_function, type_only in _walk(tree, False, False):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        else:
            base = _absolute(module, path, node)
            subs = [f"{base}.{alias.name}" for alias in node.names
                    if f"{base}.{alias.name}" in modules]
            targets = subs if len(subs) == len(node.names) else [base, *subs]
        found += [Import(module, target, in_function, type_only, node.lineno)
                  for target in targets]
    return found


def graph_of(package: Path) -> tuple[dict[str, set[str]], list[Import]]:
    """The package's modules with the package modules each imports at run time, and every
    import found."""
    paths = module_paths(package)
    names = set(paths)
    every = [found for name, path in paths.items() for found in imports_of(name, path, names)]
    graph: dict[str, set[str]] = {name: set() for name in names}
    for found in every:
        if not found.type_only and found.target in names and found.target != found.module:
            graph[found.module].add(found.target)
    return graph, every


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(name: str) -> None:
        index[name] = low[name] = len(index)
        stack.append(name)
        on_stack.add(name)
        for target in sorted(graph[name]):
            if target not in index:
                visit(target)
                low[name] = min(low[name], low[target])
            elif target in on_stack:
                low[name] = min(low[name], index[target])
        if low[name] == index[name]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == name:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for name in sorted(graph):
        if name not in index:
            visit(name)
    return sorted(found)


def _allowed(found: Import) -> bool:
    return any(found.module == module and (found.target == target
                                           or found.target.startswith(target + "."))
               for module, target in STARTUP_IMPORTS)


def test_no_import_cycle_inside_kvtui() -> None:
    graph, _imports = graph_of(PACKAGE)
    assert cycles(graph) == []


def test_no_import_inside_a_function_but_the_named_start_up_ones() -> None:
    _graph, imports = graph_of(PACKAGE)
    hidden = sorted(f"{found.module}:{found.line} imports {found.target}"
                    for found in imports
                    if found.in_function and not found.type_only and not _allowed(found))
    assert hidden == []


def test_every_start_up_import_named_is_still_there() -> None:
    """A place named in ``STARTUP_IMPORTS`` that no longer imports late is struck from it."""
    _graph, imports = graph_of(PACKAGE)
    used = {(module, target) for module, target in STARTUP_IMPORTS
            for found in imports
            if found.in_function and found.module == module
            and (found.target == target or found.target.startswith(target + "."))}
    assert set(STARTUP_IMPORTS) - used == set()


def _write(root: Path, files: dict[str, str]) -> Path:
    package = root / "pkg"
    for name, text in files.items():
        path = package / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return package


def test_the_check_finds_a_cycle_held_by_a_function_and_a_submodule_import(
        tmp_path: Path) -> None:
    """The checks would notice: a cycle closed by ``from pkg.sub import b`` inside a function,
    one through a relative import, and one under TYPE_CHECKING, which is allowed."""
    package = _write(tmp_path, {
        "__init__.py": "",
        "sub/__init__.py": "",
        "sub/a.py": "from pkg.sub import b\n",
        "sub/b.py": "def late():\n    from pkg.sub import a\n",
        "c.py": "from . import d\n",
        "d.py": "from .c import name\n",
        "e.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg import f\n",
        "f.py": "import pkg.e\n",
    })
    graph, imports = graph_of(package)
    assert cycles(graph) == [["pkg.c", "pkg.d"], ["pkg.sub.a", "pkg.sub.b"]]
    assert [(i.module, i.target) for i in imports if i.in_function] == [("pkg.sub.b",
                                                                          "pkg.sub.a")]
    assert [(i.module, i.target) for i in imports if i.type_only] == [("pkg.e", "pkg.f")]
