"""/study/ and /me/progress/ tell a trainee the same thing about their online lessons (issue 8: the demo credited
12.8 online hours that no lesson progress backed, so one page said "已观看" and the other "0%")."""

import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from proctoring.services.consent import consent_give
from proctoring.services.enrolment import face_enrol
from proctoring.services.study import study_session_start
from tests.proctoring import study_support as support
from training.models import CreditedHours, Enrollment, Lesson, LessonProgress, User

pytestmark = pytest.mark.django_db

ROW = re.compile(r'data-lesson="(\d+)" data-percent="(\d+)"')


def _pages(client) -> tuple[dict, dict, list[str]]:
    study = client.get(reverse("proctoring:study-list"))
    progress = client.get(reverse("my-progress"))
    assert study.status_code == progress.status_code == 200
    watched = re.findall(r'class="documentary" data-watched="(\d)"', progress.content.decode())
    return dict(ROW.findall(study.content.decode())), dict(ROW.findall(progress.content.decode())), watched


def _documentary_done(study_rows: dict) -> bool:
    documentary = Lesson.objects.filter(pk__in=[int(pk) for pk in study_rows], course__is_documentary=True)
    return bool(documentary) and all(study_rows[str(lesson.pk)] == "100" for lesson in documentary)


@pytest.fixture
def demo(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("load_demo", verbosity=0)
    call_command("demo_accounts", stdout=open("/dev/null", "w"))
    return list(User.objects.filter(trainee__isnull=False).order_by("username"))


def test_the_demo_trainees_see_the_same_lessons_and_percentages_on_both_pages(client, demo):
    assert demo, "demo_accounts made no trainee accounts"
    # Online hours only where lesson progress backs them: whoever the demo credited online (the exam candidates) has
    # watched every online lesson of their plan to its end, so no page says "已观看" beside a lesson at 0 %.
    credited = CreditedHours.objects.filter(kind="online", voided_at__isnull=True).values("enrollment").distinct()
    for enrollment in Enrollment.objects.filter(pk__in=credited).select_related("trainee"):
        lessons = Lesson.objects.filter(
            course__plan__project=enrollment.project,
            course__plan__personnel_class=enrollment.trainee.personnel_class,
            course__modality="online",
        )
        done = LessonProgress.objects.filter(enrollment=enrollment, lesson__in=lessons, completed=True).count()
        assert lessons.exists() and done == lessons.count(), enrollment.trainee.id_number
    for user in demo:
        client.force_login(user)
        study_rows, progress_rows, watched = _pages(client)
        assert study_rows, f"{user.username}: no online lessons on /study/"
        assert study_rows == progress_rows, user.username
        assert watched == ["1" if _documentary_done(study_rows) else "0"], user.username


def test_after_verified_study_both_pages_say_watched(client, demo, faces_dir):
    # a demo trainee who has not studied yet (the exam step's candidates have watched everything)
    user = next(
        u for u in demo if not CreditedHours.objects.filter(enrollment__trainee=u.trainee, kind="online").exists()
    )
    trainee = user.trainee
    consent_give(trainee=trainee)
    face_enrol(trainee=trainee, image_bytes=(faces_dir / "obama.jpg").read_bytes())
    client.force_login(user)
    before, _, watched = _pages(client)
    assert watched == ["0"] and set(before.values()) == {"0"}
    documentary = Lesson.objects.get(pk__in=[int(pk) for pk in before], course__is_documentary=True)
    session, _ = study_session_start(trainee=trainee, lesson=documentary)
    support.elapse(session, documentary.duration_seconds + 5)  # watched it through, checked by a real face
    snap = support.check(session, user, faces_dir / "obama2.jpg", covers_until=documentary.duration_seconds)
    assert snap.verdict == "match"
    study_rows, progress_rows, watched = _pages(client)
    assert study_rows[str(documentary.pk)] == progress_rows[str(documentary.pk)] == "100"
    assert study_rows == progress_rows
    assert watched == ["1"]
    assert CreditedHours.objects.filter(enrollment__trainee=trainee, kind="online").exists()
