"""The auditor's preferences file: private, replaced whole, and trusted only when it is
hers."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from kvtui.paths import settings_path
from kvtui.user_settings import (
    last_import_folder,
    load_settings,
    remember_import_folder,
    save_setting,
)


def test_a_settings_file_others_could_have_written_is_not_trusted() -> None:
    folder = Path.home()
    assert remember_import_folder(folder)
    settings = settings_path()
    assert settings == Path(os.environ["KVTUI_DATA"]) / "kvtui-installningar.json"
    assert last_import_folder() == folder
    settings.chmod(0o620)
    assert last_import_folder() is None
    settings.chmod(0o600)
    if os.geteuid() == 0:  # only root can give a file away: another user's file is ignored
        os.chown(settings, 65534, 65534)
        assert last_import_folder() is None
        os.chown(settings, 0, 0)
    settings.write_text("{inte json", encoding="utf-8")
    assert last_import_folder() is None
    settings.write_text(f'{{"import_folder": "{folder}", "x": "{"x" * 70_000}"}}',
                        encoding="utf-8")
    assert load_settings() == {}  # too large to be one of ours
    assert remember_import_folder(folder)  # a damaged file is replaced whole
    assert last_import_folder() == folder
    link = settings.with_name("annan.json")
    settings.rename(link)
    settings.symlink_to(link)
    assert last_import_folder() is None


def test_the_file_is_private_and_keeps_the_other_preferences(tmp_path: Path) -> None:
    folder = tmp_path / "Akter #1 ?% åäö"
    folder.mkdir()
    assert save_setting("annat", "värde")
    assert remember_import_folder(folder)
    assert load_settings() == {"annat": "värde", "import_folder": str(folder)}
    assert last_import_folder() == folder
    assert stat.S_IMODE(settings_path().stat().st_mode) == 0o600
    assert [path.name for path in settings_path().parent.iterdir()] == [settings_path().name]


def test_a_folder_that_is_gone_or_relative_is_not_offered(tmp_path: Path) -> None:
    folder = tmp_path / "usb"
    folder.mkdir()
    assert remember_import_folder(folder)
    folder.rmdir()
    assert last_import_folder() is None
    assert save_setting("import_folder", "relativ/mapp")
    assert last_import_folder() is None
    assert save_setting("import_folder", "/tmp/\x00")
    assert last_import_folder() is None


def test_a_place_that_cannot_be_written_leaves_nothing_behind(tmp_path: Path) -> None:
    blocked = tmp_path / "en fil"
    blocked.write_text("", encoding="utf-8")
    place = blocked / "kvtui-installningar.json"  # its folder is a file
    assert not remember_import_folder(tmp_path, place)
    assert last_import_folder(place) is None
    assert sorted(path.name for path in tmp_path.iterdir()) == ["en fil"]

