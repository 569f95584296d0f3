"""Signing in: trainees by ID number, staff by user name; failed sign-ins throttled by django-axes."""

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import TraineeFactory, staff_user
from training.roles import Role
from training.services import people

pytestmark = pytest.mark.django_db

PASSWORD = "Pass-word-2024"


@pytest.fixture
def trainee_user():
    trainee = TraineeFactory(id_number="11010519491231002X")
    return people.trainee_account_create(trainee=trainee, password=PASSWORD)


def _sign_in(client, username, password, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def test_trainee_signs_in_with_id_number(client, trainee_user):
    response = _sign_in(client, "11010519491231002X", PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert client.get(reverse("home")).context["trainee"] == trainee_user.trainee


def test_id_number_with_lower_case_x_is_the_same_person(client, trainee_user):
    assert _sign_in(client, " 11010519491231002x ", PASSWORD).status_code == 302


def test_staff_sign_in_with_user_name(client):
    staff_user(Role.EXPERT, username="expert-wang", password=PASSWORD)
    assert _sign_in(client, "expert-wang", PASSWORD).status_code == 302


def test_wrong_password_says_so_and_stays_on_the_page(client, trainee_user):
    response = _sign_in(client, "11010519491231002X", "wrong")
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()  # Django's own message, in Chinese


def test_lockout_after_the_failure_limit(client, trainee_user):
    limit = settings.AXES_FAILURE_LIMIT
    for attempt in range(limit - 1):
        assert _sign_in(client, trainee_user.username, "wrong").status_code == 200, attempt
    locked = _sign_in(client, trainee_user.username, "wrong")
    assert locked.status_code == 429
    assert "登录失败次数过多" in locked.content.decode()
    # Even the right password is refused now, from the same address ...
    response = _sign_in(client, trainee_user.username, PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    # ... and from any other address too: the account is locked, not the pair (issue 7, finding 14).
    other = client.__class__()
    assert _sign_in(other, trainee_user.username, PASSWORD, REMOTE_ADDR="10.0.0.9").status_code == 429


def test_success_before_the_limit_resets_the_count(client, trainee_user):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _sign_in(client, trainee_user.username, "wrong")
    assert _sign_in(client, trainee_user.username, PASSWORD).status_code == 302
    client.post(reverse("logout"))
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _sign_in(client, trainee_user.username, "wrong").status_code == 200


def test_pages_need_sign_in(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
