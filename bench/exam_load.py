#!/usr/bin/env python
"""N simulated candidates sitting one exam, on loopback, against daphne, PostgreSQL, Redis and a Celery worker.

    .venv/bin/python bench/exam_load.py [--candidates 1000] [--duration 120] [--daphne 2]

It creates a bench PostgreSQL database (BENCH_DATABASE_URL, default .../hc_exams, dropped
and re-created), migrates it, seeds a
project whose N trainees have completed training, a bank, a blueprint and an exam-site sitting whose window closes
at one shared deadline (now + --duration after the starts), with every candidate checked in and signed in.
Each candidate starts within 10 s (POST /exams/sittings/<id>/start/, then GET the exam page for its tab token,
the requests the page makes), saves an answer every 5–20 s (POST /exams/attempts/<id>/answer/) and submits at the
shared deadline (POST …/submit/). A Celery worker runs (the deadline tasks are scheduled). Printed: candidates
held, p50/p95 latency of start, save and submit, errors, and lost answers (every acknowledged answer is compared
with the database afterwards). The same client then runs against a plain Django view that writes one row per save
(bench/plain_save.py) in the same run. Targets (issue 9): ≥ 1,000 candidates, p95 save ≤ 300 ms, p95 start ≤ 2 s,
0 errors, 0 lost answers.

At 1,000: each daphne process gets a PostgreSQL pool of DATABASE_POOL_MAX_SIZE (--pool; by default 60 shared by
the --daphne processes, under max_connections=100) and listens with a backlog of --candidates (Twisted's 50
overflows when a thousand clients connect within seconds while the process is busy, and the SYN retries of 1 s,
3 s… land in the start latency); the open-file limit is raised to the hard limit and checked first (each candidate
holds one keep-alive connection: a socket in this process and one in a daphne process).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.ws_sessions import database, free_port, percentile, redis_cleanup, start_daphne  # noqa: E402

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/hc_exams"  # dropped and re-created
PREFIX = "exams-bench"
CSRF = "b" * 32
VALUES = {"single": ["A", "B", "C", "D"], "multiple": ["AB", "AC", "BCD", "ABCD"], "judge": ["T", "F"]}


def seed(n: int, duration: float) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    import datetime
    from decimal import Decimal

    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import connection
    from django.utils import timezone

    from exams.models import CheckIn, SittingMode
    from tests.exams import support
    from tests.factories import EnterpriseFactory, staff_user
    from training.models import CreditedHours, CreditKind, Enrollment, Modality, PersonnelClass, Trainee, User
    from training.roles import Role
    from training.validators import build_id_number

    course = support.Course()
    support.bank(single=40, multiple=20, judge=60)
    support.blueprint(course.project)
    now = timezone.now()
    sitting = support.sitting(course.project, mode=SittingMode.SITE, seats=n + 10)
    sitting.closes_at = now + datetime.timedelta(seconds=duration + 60)  # adjusted when the clients start
    sitting.save(update_fields=["closes_at"])
    staff = staff_user(Role.EM_OFFICER, region=course.project.region)
    enterprise = EnterpriseFactory()
    start = datetime.date(1960, 1, 1)
    trainees = Trainee.objects.bulk_create(
        [
            Trainee(
                name=f"考生{i}",
                id_number=build_id_number(enterprise.region.code, start + datetime.timedelta(days=i), 3),
                personnel_class=PersonnelClass.SAFETY_MANAGER,
                enterprise=enterprise,
                post_start_date=datetime.date(2020, 1, 1),
                phone=f"137{i:08d}",
            )
            for i in range(n)
        ]
    )
    enrollments = Enrollment.objects.bulk_create([Enrollment(project=course.project, trainee=t) for t in trainees])
    # Training complete: the ledger rows the plan asks for (online courses in full, offline theory 14.4 h).
    online = list(course.plan.courses.filter(modality=Modality.ONLINE))
    rows = []
    for e in enrollments:
        rows += [
            CreditedHours(
                enrollment=e, course=c, kind=CreditKind.ONLINE, seconds=int(c.hours * 3600), source=f"b:{e.pk}:{c.pk}"
            )
            for c in online
        ]
        rows.append(
            CreditedHours(
                enrollment=e, kind=CreditKind.OFFLINE_THEORY, seconds=int(Decimal("14.4") * 3600), source=f"b:{e.pk}"
            )
        )
    CreditedHours.objects.bulk_create(rows)
    CheckIn.objects.bulk_create([CheckIn(sitting=sitting, enrollment=e, checked_by=staff) for e in enrollments])
    users = User.objects.bulk_create([User(username=t.id_number, role=Role.TRAINEE, trainee=t) for t in trainees])
    cookies = []
    for user in users:
        user.set_unusable_password()
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "training.auth_backends.RoleBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        cookies.append(f"sessionid={session.session_key}; csrftoken={CSRF}")
    User.objects.bulk_update(users, ["password"])
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE bench_plain_save (id bigserial primary key, body text, at timestamptz default now())"
        )
    return {"sitting": sitting.pk, "cookies": cookies}


def set_deadline(sitting: int, at: float) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    import datetime

    from exams.models import Sitting

    Sitting.objects.filter(pk=sitting).update(closes_at=datetime.datetime.fromtimestamp(at, datetime.UTC))


def check_lost(acked: dict) -> int:
    """Acknowledged answers (attempt → item → value) missing or different in the database."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from exams.models import Answer

    lost = 0
    for attempt, items in acked.items():
        stored = dict(Answer.objects.filter(attempt_id=int(attempt)).values_list("item_id", "value"))
        lost += sum(1 for item, value in items.items() if stored.get(int(item)) != value)
    return lost


# --- a minimal keep-alive HTTP/1.1 client, so the clients cost little next to the server ---


class Http:
    def __init__(self, port: int, cookie: str):
        self.port, self.cookie = port, cookie
        self.reader = self.writer = None

    async def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, bytes]:
        for attempt in range(2):
            try:
                if self.writer is None:
                    self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port, limit=2**20)
                data = json.dumps(body).encode() if body is not None else b""
                head = (
                    f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {self.cookie}\r\n"
                    f"X-CSRFToken: {CSRF}\r\nContent-Type: application/json\r\nContent-Length: {len(data)}\r\n\r\n"
                )
                self.writer.write(head.encode() + data)
                await self.writer.drain()
                status_line = await self.reader.readline()
                if not status_line:
                    raise ConnectionError("closed")
                headers = {}
                while (line := await self.reader.readline()) not in (b"\r\n", b""):
                    k, _, v = line.decode().partition(":")
                    headers[k.strip().lower()] = v.strip()
                if headers.get("transfer-encoding", "").lower() == "chunked":
                    payload = await self._chunks()
                else:
                    length = int(headers.get("content-length", 0))
                    payload = await self.reader.readexactly(length) if length else b""
                if headers.get("connection", "").lower() == "close":
                    self.close()
                return int(status_line.split()[1]), payload
            except (ConnectionError, asyncio.IncompleteReadError, OSError):
                self.close()
                if attempt:
                    raise
        raise ConnectionError("unreachable")

    async def _chunks(self) -> bytes:
        body = b""
        while True:
            size = int((await self.reader.readline()).split(b";")[0].strip() or b"0", 16)
            if not size:
                await self.reader.readline()
                return body
            body += await self.reader.readexactly(size)
            await self.reader.readline()

    def close(self):
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


async def candidate(http: Http, sitting: int, deadline: float, stats: dict, acked: dict, plain: bool) -> None:
    await asyncio.sleep(random.uniform(0, 10))
    t = time.perf_counter()
    try:
        if plain:
            status, body = await http.request("POST", "/plain/start/", {})
            attempt, tab, items = 0, "", [(i, "single") for i in range(1, 36)]
        else:
            status, body = await http.request("POST", f"/exams/sittings/{sitting}/start/", {})
            if status != 200:
                raise RuntimeError(f"start {status} {body[:200]!r}")
            attempt = json.loads(body)["attempt"]
            status, page = await http.request("GET", f"/exams/attempts/{attempt}/")
            if status != 200:
                raise RuntimeError(f"exam page {status} {page[:200]!r}")
            tab = re.search(rb'data-tab="([0-9a-f]+)"', page).group(1).decode()
            items = [(int(i), k.decode()) for i, k in re.findall(rb'data-item="(\d+)" data-kind="(\w+)"', page)]
        stats["start"].append(time.perf_counter() - t)
        stats["held"] += 1
        mine = acked.setdefault(str(attempt), {}) if not plain else {}
        while True:
            wait = random.uniform(5, 20)
            if time.time() + wait > deadline - 1:
                break
            await asyncio.sleep(wait)
            item, kind = random.choice(items)
            value = random.choice(VALUES[kind])
            t = time.perf_counter()
            path = "/plain/save/" if plain else f"/exams/attempts/{attempt}/answer/"
            status, body = await http.request("POST", path, {"item": item, "value": value, "tab": tab})
            stats["save"].append(time.perf_counter() - t)
            if status == 200:
                if not plain:
                    mine[str(item)] = json.loads(body)["value"]
            else:
                stats["errors"] += 1
                stats["samples"].append(f"save {status} {body[:120]!r}")
        await asyncio.sleep(max(0.0, deadline - time.time()))
        t = time.perf_counter()
        path = "/plain/save/" if plain else f"/exams/attempts/{attempt}/submit/"
        status, body = await http.request("POST", path, {"tab": tab})
        stats["submit"].append(time.perf_counter() - t)
        if status != 200:
            stats["errors"] += 1
            stats["samples"].append(f"submit {status} {body[:120]!r}")
    except Exception as error:  # noqa: BLE001 - every failure is counted and shown
        stats["errors"] += 1
        stats["samples"].append(f"{type(error).__name__}: {error}"[:160])
    finally:
        http.close()


async def run_clients(ports, sitting, cookies, deadline, plain) -> tuple[dict, dict]:
    stats = {"start": [], "save": [], "submit": [], "held": 0, "errors": 0, "samples": []}
    acked: dict = {}
    await asyncio.gather(
        *[
            candidate(Http(ports[i % len(ports)], cookie), sitting, deadline, stats, acked, plain)
            for i, cookie in enumerate(cookies)
        ]
    )
    return stats, acked


def report(label: str, stats: dict, lost: int | str) -> dict:
    ms = {
        k: (percentile([x * 1000 for x in stats[k]], 50), percentile([x * 1000 for x in stats[k]], 95))
        for k in ("start", "save", "submit")
    }
    print(
        f"{label:>6}: held {stats['held']}; start p50/p95 {ms['start'][0]:.0f}/{ms['start'][1]:.0f} ms; "
        f"save p50/p95 {ms['save'][0]:.0f}/{ms['save'][1]:.0f} ms ({len(stats['save'])} saves); "
        f"submit p50/p95 {ms['submit'][0]:.0f}/{ms['submit'][1]:.0f} ms; errors {stats['errors']}; lost {lost}",
        flush=True,
    )
    for sample in stats["samples"][:5]:
        print(f"        e.g. {sample}")
    return ms


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--candidates", type=int, default=1000)
    parser.add_argument("--duration", type=float, default=120, help="seconds from the last start to the deadline")
    parser.add_argument("--daphne", type=int, default=2, help="daphne processes (round-robin; 2 on 2 cores)")
    parser.add_argument("--pool", type=int, default=0, help="PostgreSQL connections per process (default 60/--daphne)")
    parser.add_argument("--seed", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--set-deadline", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--check", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.seed:
        print("BENCH-JSON " + json.dumps(seed(int(args.seed[0]), float(args.seed[1]))))
        return
    if args.set_deadline:
        set_deadline(int(args.set_deadline[0]), float(args.set_deadline[1]))
        return
    if args.check:
        print("BENCH-JSON " + json.dumps(check_lost(json.loads(Path(args.check).read_text()))))
        return

    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < args.candidates + 200:
        raise SystemExit(
            f"open-file hard limit {hard} is too low for {args.candidates} connections: raise it (ulimit -Hn)"
        )
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # inherited by daphne and the worker
    pool = args.pool or int(os.environ.get("DATABASE_POOL_MAX_SIZE", 0)) or max(4, 60 // args.daphne)
    db_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB)
    redis_url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/7")
    env = {
        **os.environ,
        "DATABASE_URL": db_url,
        "DATABASE_POOL_MAX_SIZE": str(pool),
        "REDIS_URL": redis_url,
        "CHANNELS_PREFIX": PREFIX,
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-" + os.urandom(8).hex(),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "LOG_LEVEL": "WARNING",
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
    }
    started = time.perf_counter()
    database(db_url, "create")
    servers = []
    try:
        subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], env=env, cwd=ROOT, check=True)
        # DEBUG=0 serves the pages as production does: static files from the collected manifest
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], env=env, cwd=ROOT, check=True
        )
        done = subprocess.run(
            [sys.executable, __file__, "--seed", str(args.candidates), str(args.duration)],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        if done.returncode:
            raise SystemExit(done.stderr[-3000:])
        data = json.loads(next(x for x in done.stdout.splitlines() if x.startswith("BENCH-JSON "))[11:])
        print(f"{args.candidates} candidates ready in {time.perf_counter() - started:.0f} s", flush=True)
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "-l", "warning", "--concurrency=1"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=open("/tmp/hc-exams-bench-worker.log", "w"),
        )
        servers.append(worker)
        ports = [free_port() for _ in range(args.daphne)]
        backlog = max(128, args.candidates)
        servers += [start_daphne("config.asgi:application", env, port, backlog) for port in ports]
        print(f"{args.daphne} daphne process(es), {pool} PostgreSQL connections each, backlog {backlog}", flush=True)
        deadline = time.time() + 10 + args.duration
        subprocess.run(
            [sys.executable, __file__, "--set-deadline", str(data["sitting"]), str(deadline + 5)],
            env=env,
            cwd=ROOT,
            check=True,
        )
        exam, acked = asyncio.run(run_clients(ports, data["sitting"], data["cookies"], deadline, plain=False))
        path = Path("/tmp/hc-exams-bench-acked.json")
        path.write_text(json.dumps(acked))
        done = subprocess.run(
            [sys.executable, __file__, "--check", str(path)],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        lost = json.loads(next(x for x in done.stdout.splitlines() if x.startswith("BENCH-JSON "))[11:])
        ours = report("exam", exam, lost)
        for server in servers[1:]:
            server.terminate()
        plain_env = {**env, "DJANGO_SETTINGS_MODULE": "bench.plain_save"}
        plain_ports = [free_port() for _ in range(args.daphne)]
        plain_servers = [start_daphne("config.asgi:application", plain_env, port, backlog) for port in plain_ports]
        servers += plain_servers
        deadline = time.time() + 10 + args.duration
        plain, _ = asyncio.run(run_clients(plain_ports, 0, [""] * args.candidates, deadline, plain=True))
        report("plain", plain, "n/a")
        ok = (
            exam["held"] >= 1000
            and ours["save"][1] <= 300
            and ours["start"][1] <= 2000
            and not exam["errors"]
            and not lost
        )
        print(
            f"targets (≥1000, p95 save ≤ 300 ms, p95 start ≤ 2 s, 0 errors, 0 lost): {'met' if ok else 'NOT met'} "
            f"(total {time.perf_counter() - started:.0f} s)"
        )
    finally:
        for server in servers:
            server.terminate()
        time.sleep(1)
        database(db_url, "drop")
        redis_cleanup(redis_url)


if __name__ == "__main__":
    main()
