"""Opening a store where the file system says no, as it does to a user: a disk with no room
for one more file, a store file that may not be opened for writing, a damaged store that may
not be moved. Each ends in a Swedish message, never "Ett oväntat fel inträffade"."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from kvtui.paths import backups_dir
from kvtui.store.database import StoreDamaged, StoreReadOnly, open_store
from tests.report.demo_file import demo_at
from tests.sandbox import append_only, busy, in_namespace, last_json, small_disk

COMMANDS = textwrap.dedent("""
    import json, subprocess, sys
    db = sys.argv[1]
    runs = {}
    for name, args in (("new", ["new", "--template", "familjevard", "--title", "X"]),
                       ("list", ["list", "--json"])):
        done = subprocess.run([sys.executable, "-m", "kvtui", *args, "--db", db],
                              capture_output=True, text=True)
        runs[name] = [done.returncode, done.stdout, done.stderr]
    print(json.dumps(runs))
    """)


@pytest.mark.slow
@pytest.mark.parametrize("files", [2, 3, 4, 5])
def test_new_store_on_a_disk_with_no_room_for_its_files(tmp_path: Path, files: int) -> None:
    """Room for the lock file only (2), also for the store but not its log (3, 4), or for all
    of them but the marker that kvtui has the store open (5)."""
    disk = tmp_path / "disk"
    disk.mkdir()
    db = disk / "kvtui.db"
    runs = last_json(in_namespace(COMMANDS, str(db),
                                  prefix=small_disk(disk, 8 * 1024 * 1024, files=files)))
    for name, (code, out, err) in runs.items():
        assert "oväntat" not in err and "Traceback" not in err, err
        if name == "list" and files == 5:  # "new" made the store, which can be read
            assert code == 0 and json.loads(out) == []
        else:
            assert code == 1 and "Fel:" in err and "plats på disken" in err, (name, err)


def test_store_file_that_may_not_be_opened_for_writing(store_path: Path) -> None:
    """Permissions say yes, opening for writing says no (an append-only file here; a file
    another program holds on Windows): read-only, with why."""
    demo_at(store_path)
    with append_only(store_path):
        with pytest.raises(StoreReadOnly) as caught:
            open_store(store_path)
        assert "kan inte öppnas för att skrivas" in str(caught.value)
        assert "åtgärden är inte tillåten" in str(caught.value)
        with open_store(store_path, read_only=True) as reader:
            assert reader.read_only


SET_ASIDE = textwrap.dedent("""
    import json, sys
    from pathlib import Path
    from kvtui.store.database import StoreDamaged, StoreError, open_store
    try:
        open_store(Path(sys.argv[1])).close()
        print(json.dumps({"outcome": "opened"}))
    except StoreError as error:
        print(json.dumps({"outcome": type(error).__name__, "message": str(error)}))
    """)


def test_damaged_store_that_cannot_be_moved_aside_is_left_and_said(store_path: Path) -> None:
    demo_at(store_path)
    open_store(store_path).close()  # a backup beside it: an empty file now means damage
    assert backups_dir(store_path).is_dir()
    store_path.write_bytes(b"")
    found = last_json(in_namespace(SET_ASIDE, str(store_path), prefix=busy(store_path)))
    assert found["outcome"] == "StoreError", found
    assert "tom (0 byte)" in found["message"] and "kunde inte flyttas åt sidan" in found["message"]
    assert "filen används av ett annat program" in found["message"]
    assert store_path.exists() and not list(store_path.parent.glob("*.skadad-*"))
    with pytest.raises(StoreDamaged):  # once nothing holds it, the usual way
        open_store(store_path)
