"""An exam never loses a saved answer: answers saved over HTTP to a real daphne process survive SIGKILL, and a new
process serves every one of them back with the right remaining time (the server's clock, not the process's)."""

import json
import urllib.request

import pytest
from django.test import Client
from django.utils import timezone

from exams.models import Attempt
from exams.services.papers import shown_answer
from tests.e2e.server import free_port
from tests.exams import support
from tests.exams.processes import kill9, start_daphne
from training.services.people import trainee_account_create

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
CSRF = "a" * 32


class Browser:
    def __init__(self, base: str, session: str):
        self.base = base
        self.cookie = f"sessionid={session}; csrftoken={CSRF}"

    def call(self, path: str, body: dict | None = None) -> tuple[int, dict]:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data=data, method="GET" if body is None else "POST")
        request.add_header("Cookie", self.cookie)
        request.add_header("X-CSRFToken", CSRF)
        request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"{}")


def test_saved_answers_survive_sigkill_of_the_server(tmp_path):
    course = support.Course()
    support.bank()
    support.blueprint(course.project)
    sitting = support.sitting(course.project)
    enrollment = course.enrol()
    support.site_ready(sitting=sitting, enrollment=enrollment)
    client = Client()
    client.force_login(trainee_account_create(trainee=enrollment.trainee, password="x-Pass-2024"))
    session = client.cookies["sessionid"].value

    port = free_port()
    log = tmp_path / "daphne.log"
    server = start_daphne(port, log)
    try:
        browser = Browser(f"http://127.0.0.1:{port}", session)
        status, started = browser.call(f"/exams/sittings/{sitting.pk}/start/", {})
        assert status == 200, started
        attempt = Attempt.objects.get(pk=started["attempt"])
        items = list(attempt.items.select_related("version").order_by("position"))
        saved = {}
        for item in items[:25]:
            status, body = browser.call(
                f"/exams/attempts/{attempt.pk}/answer/",
                {"item": item.pk, "value": shown_answer(item), "tab": attempt.tab_token},
            )
            assert status == 200, body
            saved[str(item.pk)] = shown_answer(item)
        kill9(server)  # mid-exam, no shutdown of any kind
        server = start_daphne(port, log)
        status, state = browser.call(f"/exams/attempts/{attempt.pk}/state/")
        expected_remaining = (attempt.deadline - timezone.now()).total_seconds()
    finally:
        kill9(server)
    assert status == 200
    assert state["answers"] == saved
    assert state["status"] == "open"
    assert abs(state["remaining"] - expected_remaining) <= 2
    assert state["remaining"] < 7200
