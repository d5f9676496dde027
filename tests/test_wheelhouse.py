"""The offline install the README describes: the lock and the zip of `tools/wheelhouse.py`.

Building a wheelhouse downloads the locked wheels from the package registry, and the suite
opens no network connection, so the whole install (build, `pip install --no-index` in a new
environment, `kvtui --version`) is `tools/wheelhouse.py check`, run after every `lock`.
"""

from __future__ import annotations

import importlib.util
import zipfile
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("wheelhouse", ROOT / "tools" / "wheelhouse.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


wheelhouse = _tool()


def test_lock_pins_every_dependency_installed_here() -> None:
    """Each package kvtui needs on this machine is in the lock: a dependency added to
    pyproject.toml without `tools/wheelhouse.py lock` would be missing from the wheelhouse."""
    pinned = {line.split("==")[0] for line in wheelhouse.read_lock()}
    needed = set(wheelhouse.pinned_closure(registry=False))
    assert needed - pinned == set()
    assert {"textual", "sqlmodel", "pyhanko", "tzdata"} <= pinned  # tzdata: Windows only


def test_lock_refuses_a_line_that_pins_nothing(tmp_path: Path) -> None:
    lock = tmp_path / "requirements.lock"
    lock.write_text("# comment\ntextual==8.2.8\nrich>=13\n", encoding="utf-8")
    with pytest.raises(ValueError, match="rich>=13"):
        wheelhouse.read_lock(lock)


def test_zip_holds_the_folder_under_its_name(tmp_path: Path) -> None:
    folder = tmp_path / "kvtui-wheelhouse"
    folder.mkdir()
    (folder / "a-1.0-py3-none-any.whl").write_bytes(b"x")
    (folder / "requirements.lock").write_text("a==1.0\n", encoding="utf-8")
    target = wheelhouse.zip_folder(folder, tmp_path / "out.zip")
    with zipfile.ZipFile(target) as archive:
        assert sorted(archive.namelist()) == [
            "kvtui-wheelhouse/a-1.0-py3-none-any.whl", "kvtui-wheelhouse/requirements.lock"]
