"""A real PostgreSQL server for the local stack and the tests: initdb, pg_ctl, on a loopback port.

The server runs from Debian's `postgresql` package (installed by scripts/setup) with its
own data directory. PostgreSQL refuses to run as root: under root every server command
runs as the `postgres` OS user (`runuser`), and when that user cannot reach the stack
directory (a home directory of mode 700, say) the data directory lives under the
`postgres` user's home, named after the stack directory, with a symlink in the stack dir.
Authentication is `trust` on 127.0.0.1 only (a development server); the superuser is `newsflow`.
"""

from __future__ import annotations

import glob
import hashlib
import os
import pwd
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

SUPERUSER = "newsflow"
DEFAULT_PORT = 5433  # beside, not on, a system cluster's 5432
DEFAULT_DATABASE = "newsflow"
# fast, not durable: for throwaway test servers only (never the stack's)
THROWAWAY_OPTIONS = ("-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off")


class PostgresError(RuntimeError):
    """PostgreSQL could not be set up or started; the message says what to do."""


def pg_bindir() -> Path:
    """The folder of initdb and pg_ctl: on PATH, else Debian's /usr/lib/postgresql/<newest>/bin."""
    found = shutil.which("initdb")
    if found:
        return Path(os.path.realpath(found)).parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    if not candidates:
        raise PostgresError("PostgreSQL is not installed; run scripts/setup (Debian: apt-get install postgresql)")
    return Path(candidates[-1]).parent


def _as_postgres() -> list[str]:
    """The command prefix that runs a server command as a non-root user."""
    if os.geteuid() != 0:
        return []
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        raise PostgresError(
            "running as root needs the 'postgres' OS user (Debian's postgresql package adds it)"
        ) from None
    return ["runuser", "-u", "postgres", "--"]


def _reachable_by_postgres(path: Path) -> bool:
    """Whether the `postgres` user can create files in `path` (or in its nearest existing ancestor)."""
    probe = path
    while not probe.exists():
        probe = probe.parent
    return subprocess.run([*_as_postgres(), "test", "-w", str(probe), "-a", "-x", str(probe)]).returncode == 0


@dataclass(frozen=True)
class PostgresConfig:
    """Where one server keeps its data and where it listens."""

    base_dir: Path  # <stack dir>/postgres
    port: int = DEFAULT_PORT
    host: str = "127.0.0.1"
    database: str = DEFAULT_DATABASE
    throwaway: bool = False  # tests: fsync off

    def url(self, database: str | None = None) -> str:
        """The SQLAlchemy URL of `database` (default: the stack's) on this server."""
        return f"postgresql+psycopg://{SUPERUSER}@{self.host}:{self.port}/{database or self.database}"


class LocalPostgres:
    """One PostgreSQL server: `start()` (initdb on first use), `stop()`, `kill()`, `running()`."""

    def __init__(self, config: PostgresConfig) -> None:
        self.config = config

    @property
    def bindir(self) -> Path:
        """The folder of the server's programs (PostgresError when PostgreSQL is not installed)."""
        return pg_bindir()

    @property
    def data_dir(self) -> Path:
        """The server's data directory (a symlink when it lives under the postgres user's home)."""
        return self.config.base_dir / "data"

    @property
    def log_path(self) -> Path:
        """The server's log file."""
        return self._real_data_dir().parent / "postgres.log"

    def _real_data_dir(self) -> Path:
        return Path(os.path.realpath(self.data_dir))

    def _run(self, *cmd: str, check: bool = True) -> subprocess.CompletedProcess:
        proc = subprocess.run([*_as_postgres(), *cmd], capture_output=True, text=True)
        if check and proc.returncode != 0:
            raise PostgresError(
                f"{Path(cmd[0]).name} failed ({proc.returncode}):\n{proc.stdout[-2000:]}{proc.stderr[-2000:]}"
            )
        return proc

    def _prepare_dir(self) -> Path:
        """The real data directory, created and owned by the user the server runs as."""
        base = self.config.base_dir
        base.mkdir(parents=True, exist_ok=True)
        if self.data_dir.is_symlink() or self.data_dir.exists():
            return self._real_data_dir()
        if os.geteuid() == 0:
            shutil.chown(base, "postgres", "postgres")
        if _reachable_by_postgres(base):
            real = self.data_dir
        else:
            home = Path(pwd.getpwnam("postgres").pw_dir)
            tag = hashlib.sha1(str(base.resolve()).encode()).hexdigest()[:12]
            real = home / "newsflow" / tag / "data"
            self._run("mkdir", "-p", str(real.parent))
            self.data_dir.symlink_to(real)
        return real

    def initdb(self) -> None:
        """Create the cluster's data directory if it has none (superuser newsflow, UTF-8, trust on loopback)."""
        real = self._prepare_dir()
        if (real / "PG_VERSION").exists():
            return
        self._run(
            str(self.bindir / "initdb"),
            "-D",
            str(real),
            "-U",
            SUPERUSER,
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C",
            "--no-instructions",
        )

    def start(self, timeout_s: float = 60.0) -> None:
        """Start the server (initdb first if needed) and create its database; no-op when running."""
        self.initdb()
        if self.running():
            self.create_database(self.config.database)
            return
        real = self._real_data_dir()
        options = [
            f"-p {self.config.port}",
            f"-c listen_addresses={self.config.host}",
            f"-c unix_socket_directories={real}",
            "-c max_connections=100",
        ]
        if self.config.throwaway:
            options += THROWAWAY_OPTIONS
        self._run(
            str(self.bindir / "pg_ctl"),
            "start",
            "-D",
            str(real),
            "-l",
            str(self.log_path),
            "-w",
            "-t",
            str(int(timeout_s)),
            "-o",
            " ".join(options),
        )
        self.create_database(self.config.database)

    def running(self) -> bool:
        """Whether the server of this data directory runs and accepts connections."""
        real = self._real_data_dir()
        if not (real / "postmaster.pid").exists():
            return False
        status = self._run(str(self.bindir / "pg_ctl"), "status", "-D", str(real), check=False)
        if status.returncode != 0:
            return False
        ready = self._run(
            str(self.bindir / "pg_isready"), "-h", self.config.host, "-p", str(self.config.port), check=False
        )
        return ready.returncode == 0

    def stop(self) -> bool:
        """Stop the server (fast shutdown: sessions end, data is checkpointed); False if it was not running."""
        real = self._real_data_dir()
        if not (real / "postmaster.pid").exists():
            return False
        proc = self._run(str(self.bindir / "pg_ctl"), "stop", "-D", str(real), "-m", "fast", "-w", check=False)
        return proc.returncode == 0

    def kill(self) -> None:
        """Stop the server at once (immediate shutdown: as a crash would, recovery at next start)."""
        real = self._real_data_dir()
        self._run(str(self.bindir / "pg_ctl"), "stop", "-D", str(real), "-m", "immediate", "-w", check=False)

    def destroy(self) -> None:
        """Stop the server and delete its data directory (throwaway test servers)."""
        self.kill()
        real = self._real_data_dir()
        self._run("rm", "-rf", str(real.parent if self.data_dir.is_symlink() else real), check=False)
        if self.data_dir.is_symlink():
            self.data_dir.unlink()

    def admin_url(self) -> str:
        """The URL of the `postgres` maintenance database."""
        return self.config.url("postgres")

    def create_database(self, name: str) -> str:
        """Create database `name` unless it exists; returns its URL."""
        import psycopg

        with psycopg.connect(self._dsn("postgres"), autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
            if not exists:
                conn.execute(f'CREATE DATABASE "{_ident(name)}"')
        return self.config.url(name)

    def drop_database(self, name: str) -> None:
        """Drop database `name` (its sessions are ended first)."""
        import psycopg

        with psycopg.connect(self._dsn("postgres"), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{_ident(name)}" WITH (FORCE)')

    def _dsn(self, database: str) -> str:
        return f"host={self.config.host} port={self.config.port} user={SUPERUSER} dbname={database}"


def _ident(name: str) -> str:
    """A database name safe to put between double quotes (letters, digits, _ and -)."""
    if not name or not all(c.isalnum() or c in "_-" for c in name):
        raise PostgresError(f"database name {name!r}: use letters, digits, '_' and '-'")
    return name


def wait_ready(pg: LocalPostgres, timeout_s: float = 30.0) -> None:
    """Block until the server accepts connections."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if pg.running():
            return
        time.sleep(0.2)
    raise PostgresError(f"PostgreSQL on port {pg.config.port} not ready after {timeout_s}s; see {pg.log_path}")


__all__ = [
    "SUPERUSER",
    "DEFAULT_PORT",
    "PostgresError",
    "PostgresConfig",
    "LocalPostgres",
    "pg_bindir",
    "wait_ready",
]
