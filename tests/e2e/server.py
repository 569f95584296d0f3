"""A live server for browser tests: a fresh database (an SQLite file, or a new PostgreSQL database next to the one
in DATABASE_URL), migrated and seeded in subprocesses, and daphne serving HTTP and websockets on a free port.
pytest-django's live_server does not serve websockets, hence daphne."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "tests" / "e2e" / "seed.py"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def database(tmp_path: Path):
    """A DATABASE_URL for a new, empty database; dropped afterwards."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        yield f"sqlite:///{tmp_path / 'e2e.sqlite3'}"
        return
    import psycopg

    parts = urlsplit(url)
    name = f"{parts.path.lstrip('/') or 'hc'}_e2e_{os.getpid()}"
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run_json(env: dict, *args) -> dict:
    done = subprocess.run(
        [sys.executable, str(SEED), *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    for line in done.stdout.splitlines():
        if line.startswith("E2E-JSON "):
            return json.loads(line[len("E2E-JSON ") :])
    raise AssertionError(f"seed.py {args} failed:\n{done.stdout}\n{done.stderr}")


@contextlib.contextmanager
def live_server(tmp_path: Path, **settings):
    """Yields (base_url, env) with daphne running; `settings` become environment variables of the server."""
    with database(tmp_path) as db_url:
        env = {
            **os.environ,
            "DEBUG": "1",
            "DATABASE_URL": db_url,
            "MEDIA_ROOT": str(tmp_path / "media"),
            "CELERY_TASK_ALWAYS_EAGER": "1",
            "CHANNELS_PREFIX": "study-e2e",
            "LOG_LEVEL": "WARNING",
            **{k: str(v) for k, v in settings.items()},
        }
        subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], env=env, cwd=ROOT, check=True, timeout=300)
        port = free_port()
        log = open(tmp_path / "daphne.log", "w")
        server = subprocess.Popen(
            [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "config.asgi:application"],
            env=env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    urllib.request.urlopen(f"{base}/login/", timeout=2)
                    break
                except OSError:
                    if server.poll() is not None or time.monotonic() > deadline:
                        raise AssertionError((tmp_path / "daphne.log").read_text()) from None
                    time.sleep(0.3)
            yield base, env
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
            log.close()
