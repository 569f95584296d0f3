"""The server submits an abandoned attempt at its deadline, through the real Celery worker on Redis: the task
scheduled with eta when the attempt starts, and the beat's sweep task for attempts whose task was lost."""

import datetime
import time

import pytest
from django.utils import timezone

from exams.models import Attempt, SittingMode
from exams.services.attempts import answer_save, attempt_start
from exams.services.papers import shown_answer
from tests.exams import support
from tests.exams.processes import celery_worker

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def _abandoned_attempt(seconds: int):
    course = support.Course()
    support.bank()
    support.blueprint(course.project)
    now = timezone.now()
    sitting = support.sitting(course.project, mode=SittingMode.SITE)
    sitting.closes_at = now + datetime.timedelta(seconds=seconds)  # the attempt's deadline: the sitting closes
    sitting.save(update_fields=["closes_at"])
    enrollment = course.enrol()
    support.site_ready(sitting=sitting, enrollment=enrollment)
    attempt = attempt_start(enrollment=enrollment, sitting=sitting)
    for item in attempt.items.select_related("version"):
        answer_save(
            attempt_id=attempt.pk,
            trainee_id=enrollment.trainee_id,
            item_id=item.pk,
            value=shown_answer(item),
            tab_token=attempt.tab_token,
        )
    return attempt  # the candidate closes the browser here


def _wait_submitted(attempt, timeout):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        attempt.refresh_from_db()
        if attempt.status == "submitted":
            return attempt
        time.sleep(0.25)
    raise AssertionError(f"attempt {attempt.pk} still open {timeout}s after its deadline")


def test_worker_submits_the_abandoned_attempt_on_time(tmp_path, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    with celery_worker(tmp_path / "worker.log"):
        attempt = _abandoned_attempt(seconds=8)
        assert Attempt.objects.get(pk=attempt.pk).status == "open"
        attempt = _wait_submitted(attempt, timeout=40)
        finished_at = timezone.now()
    assert attempt.submit_reason == "deadline" and attempt.submitted_at == attempt.deadline
    assert attempt.score == 100 and attempt.passed and attempt.seal_hash
    assert finished_at >= attempt.deadline
    assert "exams.tasks.submit_at_deadline" in (tmp_path / "worker.log").read_text()


def test_beat_sweep_task_submits_an_attempt_whose_task_was_lost(tmp_path, settings):
    from config.celery import app

    settings.CELERY_TASK_ALWAYS_EAGER = True  # no eta task is sent for this attempt: as if it were lost
    attempt = _abandoned_attempt(seconds=2)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    time.sleep(2.5)
    with celery_worker(tmp_path / "worker.log"):
        result = app.send_task("exams.tasks.submit_overdue")  # what beat sends every 30 s
        assert result.get(timeout=60) == 1
    attempt.refresh_from_db()
    assert (attempt.status, attempt.submit_reason, attempt.submitted_at) == ("submitted", "deadline", attempt.deadline)
