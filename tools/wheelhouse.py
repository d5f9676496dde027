"""Build a wheelhouse: every pinned dependency of kvtui as wheels, plus kvtui's own wheel, in
one zip that installs on a laptop with no network (`pip install --no-index --find-links`).

Three commands:

    python tools/wheelhouse.py lock     # write requirements.lock from this environment
    python tools/wheelhouse.py build    # wheels for Windows and Linux into one zip
    python tools/wheelhouse.py check    # build for Linux, install with no index, run kvtui

`lock` walks kvtui's declared dependencies through the installed distributions and pins each
at the version installed here, keeping those that only Windows (or only Linux) needs: pip
evaluates environment markers against the machine it runs on, even when downloading for
another platform, so the lock names every package of both and `build` downloads each one
without resolving (`--no-deps`). A package that one platform never imports costs a few
kilobytes in the zip and is never installed there.
"""

from __future__ import annotations

import argparse
import email
import os
import re
import subprocess
import sys
import tempfile
import venv
import zipfile
from collections.abc import Iterable, Sequence
from importlib import metadata
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements.lock"
PROJECT = "kvtui"

# Markers are judged as on these machines: the laptops kvtui is installed on.
_TARGETS = {
    "linux": {"sys_platform": "linux", "platform_system": "Linux", "os_name": "posix",
              "platform_machine": "x86_64"},
    "windows": {"sys_platform": "win32", "platform_system": "Windows", "os_name": "nt",
                "platform_machine": "AMD64"},
}
# Tags pip accepts for each target; a manylinux tag also admits the older ones it covers.
PLATFORM_TAGS = {
    "linux": ("manylinux_2_28_x86_64", "manylinux2014_x86_64"),
    "windows": ("win_amd64",),
}
DEFAULT_PYTHON = "3.11"


def _environments(python_version: str) -> list[dict[str, str]]:
    base = default_environment()
    base.update({"python_version": python_version, "python_full_version": f"{python_version}.0",
                 "implementation_name": "cpython", "platform_python_implementation": "CPython"})
    return [{**base, **target} for target in _TARGETS.values()]


def _applies(requirement: Requirement, extras: Iterable[str],
             environments: Sequence[dict[str, str]]) -> bool:
    if requirement.marker is None:
        return True
    return any(requirement.marker.evaluate({**env, "extra": extra})
               for env in environments for extra in (*extras, ""))


def _installed(name: str) -> tuple[str, list[str]] | None:
    try:
        dist = metadata.distribution(name)
    except metadata.PackageNotFoundError:
        return None
    return dist.version, list(dist.requires or [])


def _from_registry(spec: str, python_version: str) -> tuple[str, list[str]]:
    """A dependency this machine does not install (one only Windows needs): the newest
    wheel the registry has for the other platform, read from the wheel itself."""
    for platform, tags in PLATFORM_TAGS.items():
        with tempfile.TemporaryDirectory() as scratch:
            platform_args = [arg for tag in tags for arg in ("--platform", tag)]
            done = subprocess.run(
                [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                 "--only-binary=:all:", *platform_args, "--python-version", python_version,
                 "--dest", scratch, spec], capture_output=True, text=True)
            wheels = list(Path(scratch).glob("*.whl"))
            if done.returncode != 0 or not wheels:
                continue
            with zipfile.ZipFile(wheels[0]) as wheel:
                name = next(n for n in wheel.namelist() if n.endswith(".dist-info/METADATA"))
                meta = email.message_from_bytes(wheel.read(name))
            print(f"{spec}: not installed here; pinned at {meta['Version']}, the newest "
                  f"{platform} wheel in the registry", file=sys.stderr)
            return meta["Version"], meta.get_all("Requires-Dist") or []
    raise LookupError(f"{spec}: neither installed here nor found as a wheel")


def pinned_closure(python_version: str = DEFAULT_PYTHON,
                   registry: bool = True) -> dict[str, str]:
    """Every distribution kvtui needs on Linux or Windows, with the version installed here.

    A dependency not installed here (one only the other platform needs) is taken at the
    newest version the package registry offers (left out when `registry` is false);
    LookupError when it has none.
    """
    environments = _environments(python_version)
    pins: dict[str, str] = {}
    extras_seen: dict[str, set[str]] = {}
    queue: list[tuple[str, frozenset[str]]] = [(PROJECT, frozenset())]
    specs: dict[str, str] = {}
    while queue:
        name, extras = queue.pop()
        key = canonicalize_name(name)
        known = extras_seen.setdefault(key, set())
        if key in pins and extras <= known:
            continue
        known |= extras
        found = _installed(name)
        if found is None and not registry:
            continue
        version, requires = found or _from_registry(specs[key], python_version)
        if key != PROJECT:
            pins[key] = version
        for line in requires:
            requirement = Requirement(line)
            if _applies(requirement, known, environments):
                specs.setdefault(canonicalize_name(requirement.name),
                                 f"{requirement.name}{requirement.specifier}")
                queue.append((requirement.name, frozenset(requirement.extras)))
    return dict(sorted(pins.items()))


def write_lock(path: Path = LOCK, python_version: str = DEFAULT_PYTHON) -> Path:
    """Pin kvtui's dependencies (both platforms) at the versions installed here."""
    lines = [
        "# kvtui's run-time dependencies, pinned; Linux and Windows together.",
        "# Made by `python tools/wheelhouse.py lock`; read by `tools/wheelhouse.py build`.",
        *(f"{name}=={version}" for name, version in pinned_closure(python_version).items()),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def read_lock(path: Path = LOCK) -> list[str]:
    """The `name==version` lines of the lock file."""
    pins = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if line:
            if not re.fullmatch(r"[A-Za-z0-9._-]+==[A-Za-z0-9.+!_-]+", line):
                raise ValueError(f"{path.name}: not a pinned requirement: {line}")
            pins.append(line)
    return pins


def _pip(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "pip", *args], check=True)


def build_wheelhouse(folder: Path, platforms: Sequence[str],
                     python_version: str = DEFAULT_PYTHON, lock: Path = LOCK) -> Path:
    """Fill `folder` with kvtui's wheel and the locked dependencies for each platform."""
    folder.mkdir(parents=True, exist_ok=True)
    _pip("wheel", "--no-deps", "--wheel-dir", str(folder), str(ROOT))
    for platform in platforms:
        tags = [arg for tag in PLATFORM_TAGS[platform] for arg in ("--platform", tag)]
        _pip("download", "--no-deps", "--only-binary=:all:", *tags,
             "--python-version", python_version, "--implementation", "cp",
             "--dest", str(folder), "--requirement", str(lock))
    (folder / lock.name).write_bytes(lock.read_bytes())
    return folder


def zip_folder(folder: Path, target: Path) -> Path:
    """One zip with the folder's files at its top level, under the folder's name."""
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.iterdir()):
            archive.write(path, f"{folder.name}/{path.name}")
    return target


def _offline_env() -> dict[str, str]:
    """pip with no configuration of this machine: no index, no extra find-links."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("PIP_")}
    env["PIP_CONFIG_FILE"] = os.devnull
    env["PIP_NO_INDEX"] = "1"
    return env


def check_install(scratch: Path) -> list[str]:
    """Build the Linux wheelhouse in ``scratch``, install kvtui from it into a new virtual
    environment with no package index at all, and run it: what went wrong, or nothing.

    It needs the package registry (to download the locked wheels), so it is run by hand after
    `lock`, not by the test suite, which opens no network connection.
    """
    folder = build_wheelhouse(scratch / "wheelhouse", ["linux"])
    wheels = {path.name.split("-")[0].lower() for path in folder.glob("*.whl")}
    problems = [f"no {name} wheel in the wheelhouse"
                for name in sorted({"kvtui", "textual", "pydantic_core", "sqlalchemy"} - wheels)]
    target = scratch / "laptop" / "kvtui"
    venv.create(target, with_pip=True)
    python = str(target / "bin" / "python")
    installed = subprocess.run([python, "-m", "pip", "install", "--no-index", "--find-links",
                                str(folder), PROJECT], capture_output=True, text=True,
                               env=_offline_env())
    if installed.returncode != 0:
        return [*problems, "pip install --no-index failed:\n" + installed.stdout
                + installed.stderr]
    shown = subprocess.run([str(target / "bin" / "kvtui"), "--version"], capture_output=True,
                           text=True, env=_offline_env())
    if shown.stdout.strip() != f"kvtui {project_version()}":
        problems.append(f"kvtui --version said {shown.stdout.strip()!r} {shown.stderr}")
    frozen = subprocess.run([python, "-m", "pip", "freeze"], capture_output=True, text=True,
                            env=_offline_env()).stdout
    pins = {_normal(line) for line in frozen.splitlines()
            if "==" in line and not line.lower().startswith(PROJECT)}
    locked = {_normal(pin) for pin in read_lock()}
    problems += [f"installed but not locked: {pin}" for pin in sorted(pins - locked)]
    return problems if pins else [*problems, "pip freeze listed nothing"]


def _normal(pin: str) -> str:
    name, _, version = pin.partition("==")
    return f"{canonicalize_name(name)}=={version}"


def project_version() -> str:
    """kvtui's version as pyproject.toml declares it."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    match = re.search(r'^version\s*=\s*"([^"]+)"', text, re.MULTILINE)
    return match.group(1) if match else "0"


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: `lock`, `build` or `check`."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    lock = commands.add_parser("lock", help="write requirements.lock from this environment")
    lock.add_argument("--python-version", default=DEFAULT_PYTHON)
    build = commands.add_parser("build", help="build the wheelhouse zip")
    build.add_argument("--platform", choices=[*PLATFORM_TAGS, "all"], default="all")
    build.add_argument("--python-version", default=DEFAULT_PYTHON,
                       help="the Python of the laptops (default %(default)s)")
    build.add_argument("--out", type=Path, default=ROOT / "dist",
                       help="folder for the zip (default dist/)")
    build.add_argument("--folder-only", action="store_true",
                       help="leave the wheelhouse as a folder in --out, no zip")
    commands.add_parser("check", help="build for Linux, install it with no index, run kvtui")
    args = parser.parse_args(argv)

    if args.command == "lock":
        print(write_lock(python_version=args.python_version))
        return 0
    if args.command == "check":
        with tempfile.TemporaryDirectory() as scratch:
            problems = check_install(Path(scratch))
        print("\n".join(problems) or "kvtui installs from the wheelhouse with no index")
        return 1 if problems else 0
    platforms = list(PLATFORM_TAGS) if args.platform == "all" else [args.platform]
    name = f"kvtui-{project_version()}-wheelhouse-py{args.python_version}-{args.platform}"
    args.out.mkdir(parents=True, exist_ok=True)
    if args.folder_only:
        print(build_wheelhouse(args.out / name, platforms, args.python_version))
        return 0
    with tempfile.TemporaryDirectory() as scratch:
        folder = build_wheelhouse(Path(scratch) / name, platforms, args.python_version)
        print(zip_folder(folder, args.out / f"{name}.zip"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
