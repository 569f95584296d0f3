#!/usr/bin/env python
"""How many live study websockets one daphne process holds, and how fast it answers their heartbeats.

    .venv/bin/python bench/ws_sessions.py [--sessions 3000] [--duration 65] [--interval 30]

Loopback only. It creates a bench PostgreSQL database (BENCH_DATABASE_URL, default .../hc_study_bench), migrates
it, creates N trainees on one project's roster with consent, a face template and a signed-in session, starts daphne
with channels-redis (REDIS_URL, default redis://127.0.0.1:6379/5), opens N authenticated study websockets
(/ws/study/<lesson>/, the real StudyConsumer: session start, single-session groups, snapshot scheduler), sends a
heartbeat from each every --interval seconds for --duration seconds and reports sessions held, heartbeat round
trip p50/p95/max and daphne's RSS per connection. The plain baseline in the same run: the same clients against a
bare echo consumer (bench/echo_asgi.py) in the same daphne set-up. Drops the database and the Redis keys after.
Target (issue 4): ≥ 3,000 sessions with p95 ≤ 50 ms on this 2-core machine.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import random
import resource
import socket
import struct
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/hc_study_bench"
PREFIX = "study-bench"
LOG = Path("/tmp/hc-study-bench-daphne.log")  # the servers' stderr, for when something fails


# --- a minimal websocket client (text frames), so the clients cost little next to the server ---


class Socket:
    """A client connection. A reader task answers the server's pings at once (daphne drops a connection whose
    pong is late) and queues the JSON messages for receive()."""

    def __init__(self, reader, writer):
        self.reader, self.writer = reader, writer
        self.inbox: asyncio.Queue = asyncio.Queue()
        self.task = asyncio.create_task(self._read())

    @classmethod
    async def open(cls, port: int, path: str, cookie: str = "") -> Socket:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        key = base64.b64encode(os.urandom(16)).decode()
        lines = [
            f"GET {path} HTTP/1.1",
            f"Host: 127.0.0.1:{port}",
            "Upgrade: websocket",
            "Connection: Upgrade",
            f"Sec-WebSocket-Key: {key}",
            "Sec-WebSocket-Version: 13",
            f"Origin: http://127.0.0.1:{port}",
        ]
        if cookie:
            lines.append(f"Cookie: {cookie}")
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
        head = await reader.readuntil(b"\r\n\r\n")
        if b" 101 " not in head.split(b"\r\n", 1)[0]:
            writer.close()
            raise ConnectionError(head.split(b"\r\n", 1)[0].decode())
        return cls(reader, writer)

    def _frame(self, opcode: int, data: bytes) -> None:
        n, mask = len(data), os.urandom(4)
        header = bytes([0x80 | opcode, 0x80 | n]) if n < 126 else bytes([0x80 | opcode, 0xFE]) + struct.pack("!H", n)
        masked = (int.from_bytes(data, "big") ^ int.from_bytes((mask * (n // 4 + 1))[:n], "big")).to_bytes(n, "big")
        self.writer.write(header + mask + masked)

    def send(self, message: dict) -> None:
        self._frame(0x1, json.dumps(message).encode())

    async def _read(self) -> None:
        try:
            while True:
                b0, b1 = await self.reader.readexactly(2)
                n = b1 & 0x7F
                if n == 126:
                    (n,) = struct.unpack("!H", await self.reader.readexactly(2))
                elif n == 127:
                    (n,) = struct.unpack("!Q", await self.reader.readexactly(8))
                payload = await self.reader.readexactly(n)
                opcode = b0 & 0x0F
                if opcode == 0x1:
                    self.inbox.put_nowait(json.loads(payload))
                elif opcode == 0x9:
                    self._frame(0xA, payload)
                elif opcode == 0x8:
                    raise ConnectionError(f"closed by the server, code {int.from_bytes(payload[:2], 'big')}")
        except Exception as error:  # noqa: BLE001 - handed to the next receive()
            self.inbox.put_nowait(error)

    async def receive(self) -> dict:
        item = await self.inbox.get()
        if isinstance(item, Exception):
            self.inbox.put_nowait(item)
            raise item
        return item

    def close(self) -> None:
        self.task.cancel()
        self.writer.close()


# --- set-up in the bench database (run in a subprocess with its DATABASE_URL) ---


def seed(n: int) -> dict:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    import datetime

    import numpy as np
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.files.base import ContentFile

    from proctoring.crypto import encrypt_template
    from proctoring.models import FaceTemplate
    from proctoring.services.consent import consent_give
    from tests.factories import EnterpriseFactory
    from tests.training import builders
    from training.models import Enrollment, Modality, PersonnelClass, Trainee, User
    from training.roles import Role
    from training.services.lessons import lesson_create
    from training.validators import build_id_number

    project = builders.project(code="BENCH-WS")
    plan = builders.plan(project)
    course = plan.courses.get(modality=Modality.ONLINE, is_documentary=True)
    lesson = lesson_create(
        course=course, title="bench", video=ContentFile(b"0", name="bench.mp4"), duration_seconds=3600
    )
    enterprise = EnterpriseFactory()
    start = datetime.date(1960, 1, 1)
    trainees = Trainee.objects.bulk_create(
        [
            Trainee(
                name=f"压测{i}",
                id_number=build_id_number(enterprise.region.code, start + datetime.timedelta(days=i), 3),
                personnel_class=PersonnelClass.SAFETY_MANAGER,
                enterprise=enterprise,
                post_start_date=datetime.date(2020, 1, 1),
                phone=f"138{i:08d}",
            )
            for i in range(n)
        ]
    )
    Enrollment.objects.bulk_create([Enrollment(project=project, trainee=t) for t in trainees])
    rng = np.random.default_rng(1)
    FaceTemplate.objects.bulk_create(
        [
            FaceTemplate(trainee=t, encrypted=encrypt_template(rng.normal(0, 0.1, 128)), model_version="bench")
            for t in trainees
        ]
    )
    for t in trainees:
        consent_give(trainee=t)
    users = User.objects.bulk_create([User(username=t.id_number, role=Role.TRAINEE, trainee=t) for t in trainees])
    cookies = []
    for user in users:
        user.set_unusable_password()
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "training.auth_backends.RoleBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        cookies.append(f"sessionid={session.session_key}")
    User.objects.bulk_update(users, ["password"])
    return {"lesson": lesson.pk, "cookies": cookies}


# --- one measured run against one server ---


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_daphne(app: str, env: dict, port: int, backlog: int | None = None) -> subprocess.Popen:
    """`backlog`: the listen queue (Twisted's default is 50; a thousand clients connecting within seconds while
    the process is busy overflow it and wait for SYN retries of 1 s, 3 s, …)."""
    bind = ["-b", "127.0.0.1", "-p", str(port)]
    if backlog:
        bind = ["-e", f"tcp:port={port}:interface=127.0.0.1:backlog={backlog}"]
    server = subprocess.Popen(
        [sys.executable, "-m", "daphne", *bind, "--websocket_connect_timeout", "60", app],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=open(LOG, "ab"),
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server
        except OSError:
            if server.poll() is not None:
                raise SystemExit(f"daphne did not start: {LOG.read_text()[-2000:]}") from None
            time.sleep(0.3)
    raise SystemExit("daphne did not start in 60 s")


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


async def measure(port: int, path: str, cookies: list[str], *, duration: float, interval: float, pid: int) -> dict:
    rss_idle = rss_kb(pid)
    gate = asyncio.Semaphore(16)  # pages opening at once
    sockets: list[Socket] = []
    failures: dict[str, int] = {}

    async def open_one(cookie):
        async with gate:
            try:
                ws = await Socket.open(port, path, cookie)
                first = await asyncio.wait_for(ws.receive(), 30)
                if first.get("type") != "started":
                    raise ConnectionError(first.get("reason") or first.get("type"))
                sockets.append(ws)
            except Exception as error:  # noqa: BLE001 - counted and reported
                key = type(error).__name__ + ": " + str(error)[:80]
                failures[key] = failures.get(key, 0) + 1

    t0 = time.perf_counter()
    await asyncio.gather(*(open_one(c) for c in cookies))
    connect_seconds = time.perf_counter() - t0
    await asyncio.sleep(2)
    rss_open = rss_kb(pid)
    rtts: list[float] = []
    dropped: dict[str, int] = {}

    async def beats(ws: Socket):
        nonlocal dropped
        end = time.perf_counter() + duration
        await asyncio.sleep(random.uniform(0, interval))
        position = 0.0
        try:
            while time.perf_counter() < end:
                sent = time.perf_counter()
                ws.send({"type": "beat", "position": position, "playing": True, "visible": True, "t": sent})
                while (await asyncio.wait_for(ws.receive(), 10)).get("type") != "ack":
                    pass
                rtts.append((time.perf_counter() - sent) * 1000)
                position += interval
                await asyncio.sleep(interval)
        except Exception as error:  # noqa: BLE001 - counted and reported
            key = type(error).__name__ + ": " + str(error)[:80]
            dropped[key] = dropped.get(key, 0) + 1

    await asyncio.gather(*(beats(ws) for ws in sockets))
    held = len(sockets) - sum(dropped.values())
    for ws in sockets:
        ws.close()
    return {
        "opened": len(sockets),
        "held": held,
        "failures": {**failures, **{f"dropped {k}": v for k, v in dropped.items()}},
        "connect_s": connect_seconds,
        "beats": len(rtts),
        "p50": percentile(rtts, 50),
        "p95": percentile(rtts, 95),
        "max": max(rtts or [0]),
        "rss_idle_mb": rss_idle / 1024,
        "rss_open_mb": rss_open / 1024,
        "kb_per_conn": (rss_open - rss_idle) / max(1, len(sockets)),
    }


def run(label: str, app: str, path: str, cookies: list[str], env: dict, args) -> dict:
    port = free_port()
    server = start_daphne(app, env, port)
    try:
        result = asyncio.run(
            measure(port, path, cookies, duration=args.duration, interval=args.interval, pid=server.pid)
        )
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
    print(
        f"{label:>6}: held {result['held']}/{len(cookies)} (opened {result['opened']} in "
        f"{result['connect_s']:.1f} s), heartbeat round trip p50 {result['p50']:.1f} ms, p95 {result['p95']:.1f} ms, "
        f"max {result['max']:.1f} ms over {result['beats']} beats; daphne RSS {result['rss_idle_mb']:.0f} → "
        f"{result['rss_open_mb']:.0f} MB = {result['kb_per_conn']:.0f} KB per connection",
        flush=True,
    )
    if result["failures"]:
        print(f"        failures: {result['failures']} (server log: {LOG})")
    return result


def database(url: str, action: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres", query="")), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if action == "create":
            conn.execute(f'CREATE DATABASE "{name}"')


def redis_cleanup(url: str) -> int:
    import redis

    client = redis.Redis.from_url(url)
    keys = list(client.scan_iter(f"{PREFIX}*", count=1000))
    if keys:
        client.delete(*keys)
    return len(keys)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--sessions", type=int, default=3000)
    parser.add_argument("--duration", type=float, default=60, help="seconds of heartbeats after all connected")
    parser.add_argument("--interval", type=float, default=30, help="seconds between heartbeats of one page")
    parser.add_argument("--seed", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.seed:
        print("BENCH-JSON " + json.dumps(seed(args.seed)))
        return

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # two sockets per session, plus the database
    if hard < 2 * args.sessions + 500:
        print(f"warning: open files limit {hard} is low for {args.sessions} sessions")
    db_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB)
    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/5")
    # daphne runs every database call of the consumers on one thread: keep its connection open between calls
    server_db_url = db_url + ("&" if "?" in db_url else "?") + "conn_max_age=60"
    env = {
        **os.environ,
        "DATABASE_URL": server_db_url,
        "REDIS_URL": redis_url,
        "CHANNELS_PREFIX": PREFIX,
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-" + os.urandom(8).hex(),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "LOG_LEVEL": "WARNING",
        # the bench clients upload no frames: keep the (real) snapshot scheduler from firing during the run
        "FACE_SNAPSHOT_MIN_SECONDS": "3600",
        "FACE_SNAPSHOT_MAX_SECONDS": "3601",
    }
    started = time.perf_counter()
    LOG.write_text("")
    database(db_url, "create")
    try:
        subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], env=env, cwd=ROOT, check=True)
        done = subprocess.run(
            [sys.executable, __file__, "--seed", str(args.sessions)],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        data = json.loads(next(x for x in done.stdout.splitlines() if x.startswith("BENCH-JSON "))[11:])
        print(
            f"{args.sessions} trainees with consent, template and session ready in "
            f"{time.perf_counter() - started:.0f} s; heartbeats every {args.interval:g} s for {args.duration:g} s",
            flush=True,
        )
        plain = run("echo", "bench.echo_asgi:application", "/ws/echo/", [""] * args.sessions, env, args)
        study = run("study", "config.asgi:application", f"/ws/study/{data['lesson']}/", data["cookies"], env, args)
    finally:
        database(db_url, "drop")
        redis_cleanup(redis_url)
    print(
        f"ratio study/echo: p95 {study['p95'] / plain['p95']:.2f}×, memory per connection "
        f"{study['kb_per_conn'] / max(plain['kb_per_conn'], 1):.2f}×; target ≥ 3000 held with p95 ≤ 50 ms: "
        f"{'met' if study['held'] >= 3000 and study['p95'] <= 50 else 'NOT met'} "
        f"(total {time.perf_counter() - started:.0f} s)"
    )


if __name__ == "__main__":
    main()
