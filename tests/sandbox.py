"""Running kvtui in a process of its own where the disk misbehaves: a read-only folder or file,
or a nearly full disk.

As root, permissions do not stop writes, so a read-only place is a read-only bind mount and a
full disk a small tmpfs, each in a private mount namespace (``unshare``) that disappears with
the process. As another user, a read-only folder is made with ``chmod``. Where neither works the
test is skipped: it cannot be faked honestly.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _env() -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("KVTUI")}
    env["PYTHONPATH"] = str(ROOT)
    return env


def _command(code: str, args: tuple[str, ...], prefix: str) -> str:
    words = [sys.executable, "-c", code, *args]
    return f"{prefix} exec {' '.join(shlex.quote(word) for word in words)}"


def run_python(code: str, *args: str, prefix: str = "", umask: int | None = None,
               env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``code`` with ``args`` in a fresh interpreter, after the shell commands in
    ``prefix``."""
    command = _command(code, args, prefix)

    def before() -> None:
        if umask is not None:
            os.umask(umask)

    return subprocess.run(["sh", "-c", command], capture_output=True, text=True, timeout=180,
                          env={**_env(), **(env or {})}, stdin=subprocess.DEVNULL,
                          preexec_fn=before, check=False)


def last_json(result: subprocess.CompletedProcess[str]) -> Any:
    """The JSON line a sandboxed script printed last."""
    assert result.returncode == 0, result.stderr + result.stdout
    return json.loads(result.stdout.strip().splitlines()[-1])


def _unshare_works() -> bool:
    if shutil.which("unshare") is None:
        return False
    probe = subprocess.run(["unshare", "--mount", "--propagation", "private", "true"],
                           capture_output=True, timeout=30, check=False)
    return probe.returncode == 0


@contextmanager
def read_only(place: Path) -> Iterator[str]:
    """A shell prefix that makes ``place`` (a folder or a file) read-only for the command."""
    if os.geteuid() == 0:
        if not _unshare_works():
            pytest.skip("a read-only place needs unshare (mount namespaces) when run as root")
        quoted = shlex.quote(str(place))
        yield (f"mount --bind {quoted} {quoted} && "
               f"mount -o remount,bind,ro {quoted} {quoted} &&")
        return
    before = place.stat().st_mode & 0o777
    place.chmod(0o555 if place.is_dir() else 0o444)
    try:
        yield ""
    finally:
        place.chmod(before)


def in_namespace(code: str, *args: str, prefix: str) -> subprocess.CompletedProcess[str]:
    """Run ``code`` after ``prefix`` in a private mount namespace when root, else plainly."""
    if os.geteuid() != 0:
        return run_python(code, *args, prefix=prefix)
    inner = _command(code, args, prefix)
    return subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c", inner],
                          capture_output=True, text=True, timeout=180, env=_env(),
                          stdin=subprocess.DEVNULL, check=False)


def small_disk(folder: Path, size_bytes: int, *, files: int | None = None) -> str:
    """A shell prefix that mounts a tmpfs of ``size_bytes`` on ``folder`` (root only), with
    room for at most ``files`` files and folders (its own root folder counts as one)."""
    if os.geteuid() != 0 or not _unshare_works():
        pytest.skip("a full disk is simulated with a small tmpfs, which needs root and unshare")
    kib = max(size_bytes // 1024, 64)
    inodes = f",nr_inodes={files}" if files is not None else ""
    return (f"mount -t tmpfs -o size={kib}k,mode=0700{inodes} tmpfs "
            f"{shlex.quote(str(folder))} &&")


def busy(path: Path) -> str:
    """A shell prefix that makes ``path`` a mount point (a file bound onto itself), which can
    be neither deleted nor renamed: the file system says EBUSY, as Windows does for a file
    another program holds open. Root and ``unshare`` only; use with ``in_namespace``."""
    if os.geteuid() != 0 or not _unshare_works():
        pytest.skip("a file in use is simulated with a bind mount, which needs root and unshare")
    quoted = shlex.quote(str(path))
    return f"mount --bind {quoted} {quoted} &&"


@contextmanager
def append_only(path: Path) -> Iterator[None]:
    """``path`` may only be appended to (``chattr +a``): the permission check (``access``)
    says it can be written, but opening it for writing is refused (EPERM)."""
    if shutil.which("chattr") is None:
        pytest.skip("chattr is needed to make a file append-only")
    done = subprocess.run(["chattr", "+a", str(path)], capture_output=True, check=False)
    if done.returncode != 0:
        pytest.skip("this file system or user cannot make a file append-only")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-a", str(path)], capture_output=True, check=False)
