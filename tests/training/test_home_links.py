"""Every link of every role's home page leads somewhere (issue 8: a next step on every home page, and every number
card and table row links to the list behind it, filtered)."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from training.models import User

pytestmark = pytest.mark.django_db

HREF = re.compile(r'href="([^"#]*)(?:#[^"]*)?"')


@pytest.fixture
def demo(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("load_demo", verbosity=0)
    call_command("demo_accounts", stdout=StringIO())


def _links(html: str) -> list[str]:
    links = {href.replace("&amp;", "&") for href in HREF.findall(html)}
    return sorted(link for link in links if link.startswith("/") and not link.startswith("/static/"))


def test_every_link_of_every_home_page_answers_without_an_error(client, demo):
    users = list(User.objects.filter(trainee__isnull=True).order_by("username"))
    users += list(User.objects.filter(trainee__isnull=False).order_by("username")[:1])
    assert len(users) >= 10
    checked = 0
    for user in users:
        client.force_login(user)
        home = client.get(reverse("home"))
        assert home.status_code == 200, user.username
        html = home.content.decode()
        assert 'id="next-steps"' in html, user.username
        links = _links(html)
        assert links, user.username
        for link in links:
            response = client.get(link, follow=True)
            assert response.status_code < 400, f"{user.username}: {link} → {response.status_code}"
            checked += 1
    assert checked > 100


def test_each_home_page_says_what_to_do_now(client, demo):
    # a trainee who has not studied online yet, and one of the exam step's candidates (exams/demo.py)
    learner = (
        User.objects.filter(trainee__isnull=False).exclude(trainee__enrollments__credited_hours__kind="online").first()
    )
    candidate = User.objects.filter(trainee__enrollments__credited_hours__kind="online").first()
    expectations = {
        "provider_dongying": ["未分班的学员：分配到线下班级"],
        learner.username: ["阅读并签署人脸核验同意书", "采集人脸基准照片", "继续在线学习"],
        candidate.username: ["阅读并签署人脸核验同意书", "可以参加结业考试"],
    }
    for username, texts in expectations.items():
        client.force_login(User.objects.get(username=username))
        html = client.get(reverse("home")).content.decode()
        for text in texts:
            assert text in html, (username, text)


def test_the_home_numbers_match_the_lists_they_link_to(client, demo):
    client.force_login(User.objects.get(username="em_dongying"))
    home = client.get(reverse("home"))
    counts = home.context["counts"]
    for query, expected in [
        ("on_roster=1", counts["on_roster"]),
        ("on_roster=0", counts["not_on_roster"]),
        ("priority=1", counts["priority_trainees"]),
        ("personnel_class=3", counts["trainees_by_class"][2][1]),
    ]:
        listed = client.get(f"{reverse('trainee-list')}?{query}").context["page"].paginator.count
        assert listed == expected, query
    for row in home.context["area_rows"]:
        listed = client.get(reverse("trainee-list"), {"region": row.region_id}).context["page"].paginator.count
        assert listed == row.trainees, row.label
