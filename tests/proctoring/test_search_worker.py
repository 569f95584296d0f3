"""The per-worker template cache of the proxy search, in a real `celery -A config worker` process against Redis
and PostgreSQL: a template withdrawn between two searches of the same worker is never matched again."""

import os
import re
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from proctoring.models import Flag, FlagKind, Snapshot
from proctoring.services import study
from proctoring.services.consent import consent_withdraw
from tests.proctoring import study_support as support
from tests.proctoring.frames import camera_frame, jpeg_bytes
from tests.training import builders

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]

LOADED = re.compile(r"face search scope provider:(\d+) loaded: (\d+) templates, version (\d+)")


def _worker_env() -> dict:
    db = settings.DATABASES["default"]
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{connection.settings_dict['NAME']}",
        REDIS_URL=settings.REDIS_URL,
        CELERY_TASK_ALWAYS_EAGER="0",
        SECRET_KEY=settings.SECRET_KEY,
        FACE_TEMPLATE_KEY=settings.FACE_TEMPLATE_KEY,
        MEDIA_ROOT=str(settings.MEDIA_ROOT),
        DEBUG=os.environ.get("DEBUG", "1"),
        LOG_LEVEL="INFO",
    )
    return env


@pytest.fixture
def worker(tmp_path):
    """One worker process (solo pool: every task runs in this one process), its log in a file."""
    from config.celery import app

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False  # tests run tasks in-process by default; here the worker runs them
    app.control.purge()  # nothing left over from an earlier run of this Redis db
    log = tmp_path / "worker.log"
    celery = Path(sys.executable).with_name("celery")
    with log.open("w") as out:
        process = subprocess.Popen(
            [str(celery), "-A", "config", "worker", "--pool=solo", "-l", "info", "-n", f"faces-{uuid.uuid4().hex}@%h",
             "--without-mingle", "--without-gossip"],
            cwd=settings.BASE_DIR, env=_worker_env(), stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        yield log
    finally:
        app.conf.task_always_eager = eager
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _verified(session, user, frame: bytes, timeout=180) -> Snapshot:
    """Upload a frame (the verification task goes to the worker after commit) and wait for its verdict."""
    snap = study.snapshot_request(session_id=session.pk, covers_until=0)
    study.snapshot_upload(snapshot_id=snap.pk, user=user, image_bytes=frame)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        snap.refresh_from_db()
        if snap.verdict:
            return snap
        time.sleep(0.5)
    raise AssertionError(f"snapshot {snap.pk} not verified by the worker within {timeout} s")


def _loads(log: Path) -> list[tuple[int, int]]:
    return [(int(n), int(v)) for _scope, n, v in LOADED.findall(log.read_text())]


def test_withdrawn_template_is_not_matched_by_the_same_worker_after_the_change(worker, faces_dir):
    proj = builders.project()
    lesson = support.lesson(proj)
    first = support.student(proj, faces_dir / "obama.jpg")
    second = support.student(proj, faces_dir / "obama3.jpg")  # the same face under a second account
    session, _ = study.study_session_start(trainee=second.trainee, lesson=lesson)

    one = _verified(session, second, jpeg_bytes(camera_frame(faces_dir / "obama2.jpg", index=1)))
    assert one.verdict == "match"
    proxy = Flag.objects.get(kind=FlagKind.PROXY, session=session)
    assert proxy.matched_trainee_id == first.trainee_id and list(proxy.snapshots.all()) == [one]

    two = _verified(session, second, jpeg_bytes(camera_frame(faces_dir / "obama2.jpg", index=6)))
    assert list(Flag.objects.get(kind=FlagKind.PROXY, session=session).snapshots.order_by("seq")) == [one, two]
    assert len(_loads(worker)) == 1, "an unchanged scope is searched from the worker's memory, not reloaded"
    assert _loads(worker)[0][0] == 2  # both templates of the provider's rosters

    consent_withdraw(trainee=first.trainee)  # deletes the template and bumps the scope's version; committed

    three = _verified(session, second, jpeg_bytes(camera_frame(faces_dir / "obama2.jpg", index=11)))
    assert three.verdict == "match"  # still the account's own face
    assert list(Flag.objects.get(kind=FlagKind.PROXY, session=session).snapshots.order_by("seq")) == [one, two]
    loads = _loads(worker)
    assert len(loads) == 2 and loads[1][0] == 1 and loads[1][1] > loads[0][1], loads
