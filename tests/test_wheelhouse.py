"""The offline install the README describes: a wheelhouse built by `tools/wheelhouse.py`
installs kvtui into a fresh virtual environment with no package index at all.

The build needs the package registry (it downloads the locked wheels); where none can be
reached the install test is skipped and says so. Building and installing take about half a
minute, so it is one test.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import venv
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


def _offline_pip_env() -> dict[str, str]:
    """pip with no configuration of this machine: no index, no extra find-links."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("PIP_")}
    env["PIP_CONFIG_FILE"] = os.devnull
    env["PIP_NO_INDEX"] = "1"
    return env


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


def _registry_reachable(scratch: Path) -> bool:
    probe = subprocess.run(
        [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
         "--dest", str(scratch), "textual==8.2.8"], capture_output=True, text=True)
    return probe.returncode == 0


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_kvtui_installs_from_a_wheelhouse_with_no_index(tmp_path: Path) -> None:
    if not _registry_reachable(tmp_path / "probe"):
        pytest.skip("the package registry cannot be reached: no wheelhouse can be built")
    folder = wheelhouse.build_wheelhouse(tmp_path / "wheelhouse", ["linux"])
    wheels = {path.name.split("-")[0].lower() for path in folder.glob("*.whl")}
    assert {"kvtui", "textual", "pydantic_core", "sqlalchemy"} <= wheels

    target = tmp_path / "laptop" / "kvtui"
    venv.create(target, with_pip=True)
    python = target / "bin" / "python"
    installed = subprocess.run(
        [str(python), "-m", "pip", "install", "--no-index", "--find-links", str(folder),
         "kvtui"], capture_output=True, text=True, env=_offline_pip_env())
    assert installed.returncode == 0, installed.stdout + installed.stderr

    shown = subprocess.run([str(target / "bin" / "kvtui"), "--version"],
                           capture_output=True, text=True, env=_offline_pip_env())
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.strip() == f"kvtui {wheelhouse.project_version()}"
    frozen = subprocess.run([str(python), "-m", "pip", "freeze"], capture_output=True,
                            text=True, env=_offline_pip_env()).stdout
    installed_pins = {_normal(line) for line in frozen.splitlines()
                      if "==" in line and not line.lower().startswith("kvtui")}
    assert installed_pins
    assert installed_pins <= {_normal(pin) for pin in wheelhouse.read_lock()}


def _normal(pin: str) -> str:
    name, _, version = pin.partition("==")
    return f"{wheelhouse.canonicalize_name(name)}=={version}"
