"""Where the store, backups and exports live, and warnings about risky folders."""

from __future__ import annotations

from pathlib import Path

import pytest

from kvtui import paths


def test_option_beats_environment_beats_default(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KVTUI_DB", str(tmp_path / "env.db"))
    assert paths.store_path(str(tmp_path / "opt.db")) == tmp_path / "opt.db"
    assert paths.store_path() == tmp_path / "env.db"
    monkeypatch.delenv("KVTUI_DB")
    assert paths.store_path() == paths.default_store_path()


def test_running_from_the_project_folder_keeps_data_beside_it(
        monkeypatch: pytest.MonkeyPatch) -> None:
    root = paths.project_dir()
    assert root is not None  # the tests run from a copy of the project
    monkeypatch.delenv("KVTUI_DB")
    monkeypatch.delenv("KVTUI_DATA")
    assert paths.store_path() == root / "db" / "kvtui.db"
    assert paths.exports_dir() == root / "exports"


def test_installed_package_uses_user_data_folder(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(paths, "project_dir", lambda: None)
    monkeypatch.delenv("KVTUI_DATA")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert paths.data_dir() == tmp_path / "data" / "kvtui"


def test_kvtui_data_names_another_folder(tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KVTUI_DATA", str(tmp_path / "Granskning #2"))
    monkeypatch.delenv("KVTUI_DB")
    assert paths.data_dir() == tmp_path / "Granskning #2"
    assert paths.store_path() == tmp_path / "Granskning #2" / "kvtui.db"


@pytest.mark.parametrize(
    "folder",
    ["/home/anna/OneDrive - Sjövik kommun/kvtui", "/Users/anna/Dropbox/granskning",
     "/Users/anna/Library/Mobile Documents/com~apple~CloudDocs", "/home/anna/Google Drive/x"],
)
def test_cloud_folders_are_warned_about(folder: str) -> None:
    warning = paths.storage_warning(Path(folder) / "kvtui.db", mounts_text="")
    assert warning is not None and "molnsynkad" in warning


def test_network_mounts_are_warned_about() -> None:
    mounts = "server:/export /mnt/hem nfs4 rw 0 0\n/dev/sda1 / ext4 rw 0 0\n"
    warning = paths.storage_warning(Path("/mnt/hem/anna/kvtui.db"), mounts_text=mounts)
    assert warning is not None and "nätverksenhet" in warning
    assert paths.storage_warning(Path("/home/anna/kvtui.db"), mounts_text=mounts) is None
    assert paths.storage_warning(Path("//server/share/kvtui.db"), mounts_text="") is not None
