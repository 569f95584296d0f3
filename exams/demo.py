"""Demo data of the exam (run by `load_demo` after training's and proctoring's steps), through the real services:
the 154 questions of fixtures/demo/questions.csv in the national bank, a blueprint per personnel class of
DEMO-DONGYING-2024, a sitting in each mode open now, enough trainees whose training is complete, and a few who
sat at the exam site and passed, with certificates. Running it again changes nothing."""

from __future__ import annotations

import datetime
from pathlib import Path

from django.conf import settings
from django.db.models import Sum
from django.utils import timezone

from exams.models import Attempt, Certificate, Question, Sitting, SittingMode, SubmitReason
from exams.selectors import eligibility_for
from exams.services.bank import questions_import, read_questions
from exams.services.papers import Cell, blueprint_save
from exams.services.sittings import check_in, ensure_exam_national_default, sitting_create
from training.models import ClassSession, Enrollment, Modality, TrainingProject, User
from training.selectors.completion import progress_for_enrollments
from training.services.classes import attendance_record
from training.services.hours import hours_credit_online
from training.services.lessons import lesson_study_credit

PROJECT = "DEMO-DONGYING-2024"
QUESTIONS = Path(settings.BASE_DIR) / "fixtures" / "demo" / "questions.csv"
CELLS = [
    Cell("single", "法律法规", "easy", 5), Cell("single", "工伤预防基础", "easy", 4),
    Cell("single", "危险化工工艺安全", "easy", 4), Cell("single", "重大危险源管理", "easy", 3),
    Cell("single", "应急处置", "easy", 4),
    Cell("multiple", "法律法规", "medium", 1), Cell("multiple", "危险化工工艺安全", "medium", 1),
    Cell("multiple", "应急处置", "medium", 2), Cell("multiple", "职业健康", "medium", 1),
    Cell("judge", "法律法规", "easy", 4), Cell("judge", "工伤预防基础", "easy", 4),
    Cell("judge", "危险化工工艺安全", "easy", 3), Cell("judge", "重大危险源管理", "easy", 3),
    Cell("judge", "应急处置", "easy", 3), Cell("judge", "职业健康", "easy", 3),
]  # fmt: skip
WANT_ELIGIBLE = 10  # complete, eligible and not sat yet
WANT_PASSED = 3


def _bank(log) -> None:
    if Question.objects.filter(provider__isnull=True, region__isnull=True).exists():
        return
    result = questions_import(read_questions(QUESTIONS))
    log(f"   题库：导入 {result.created} 道试题")


def _site_staff(project) -> User:
    """em_dongying checks candidates in at the demo exam site (`demo_accounts` sets its printed password)."""
    from exams.roles import EXAM_SITE_STAFF_ROLE
    from training.demo.classes import _user

    return _user("em_dongying", EXAM_SITE_STAFF_ROLE, region=project.region)


def _sittings(project) -> tuple[Sitting, Sitting]:
    now = timezone.now()
    found = {}
    for mode, name in ((SittingMode.ONLINE, "演示线上监考场次"), (SittingMode.SITE, "演示考点场次")):
        sitting = Sitting.objects.filter(project=project, mode=mode, closes_at__gt=now).first()
        found[mode] = sitting or sitting_create(
            project=project,
            name=name,
            mode=mode,
            opens_at=now - datetime.timedelta(hours=1),
            closes_at=now + datetime.timedelta(days=60),
            site="东营市安全生产考试中心" if mode == SittingMode.SITE else "",
            room="第3考场" if mode == SittingMode.SITE else "",
            seats=60 if mode == SittingMode.SITE else None,
            staff=[_site_staff(project)],
        )
    return found[SittingMode.ONLINE], found[SittingMode.SITE]


def _complete(enrollment, staff) -> None:
    """Attend every session of the trainee's class and watch the plan's online courses (the demo's data)."""
    for session in ClassSession.objects.filter(offline_class=enrollment.offline_class):
        if session.attendances.filter(enrollment=enrollment).exists():
            continue
        at = timezone.make_aware(datetime.datetime.combine(session.date, session.start))
        attendance_record(
            session=session,
            enrollment=enrollment,
            recorded_by=staff,
            reason="演示数据：补录考勤",
            signed_in_at=at,
            signed_out_at=timezone.make_aware(datetime.datetime.combine(session.date, session.end)),
        )
    plan = enrollment.project.plans.filter(personnel_class=enrollment.trainee.personnel_class).first()
    for course in plan.courses.filter(modality=Modality.ONLINE) if plan else []:
        # Every lesson watched to its end through the service study uses, so /study/ and /me/progress/ agree;
        # the demo's clips are seconds long, so the rest of the course's hours stand for the full-length videos.
        for lesson in course.lessons.all():
            lesson_study_credit(
                enrollment=enrollment,
                lesson=lesson,
                reached_second=lesson.duration_seconds,
                source=f"demo:{enrollment.pk}:lesson:{lesson.pk}",
            )
        source = f"demo:{enrollment.pk}:{course.pk}"
        done = enrollment.credited_hours.filter(course=course, voided_at__isnull=True).aggregate(s=Sum("seconds"))
        rest = int(course.hours * 3600) - (done["s"] or 0)
        if rest > 0 and not enrollment.credited_hours.filter(source=source).exists():
            hours_credit_online(enrollment=enrollment, course=course, seconds=rest, source=source)


def _candidates(project, log) -> list:
    enrollments = list(
        Enrollment.objects.filter(project=project).select_related("trainee", "project__region", "offline_class")
    )
    verdicts = eligibility_for(enrollments)
    ready = [v.enrollment for v in verdicts if v.eligible and not v.attempts_used]
    need = WANT_ELIGIBLE + WANT_PASSED - ready_count(project, ready)
    staff = User.objects.filter(username="provider_dongying").first()
    if need > 0 and staff is not None:
        for progress in progress_for_enrollments([e for e in enrollments if e.offline_class_id and e not in ready]):
            if need <= 0:
                break
            if not progress.complete:
                _complete(progress.enrollment, staff)
                need -= 1
        verdicts = eligibility_for(enrollments)
        ready = [v.enrollment for v in verdicts if v.eligible and not v.attempts_used]
    return ready


def ready_count(project, ready) -> int:
    return len(ready) + Certificate.objects.filter(project=project).count()


def _pass_at_site(enrollment, sitting) -> None:
    from exams.services.attempts import answer_save, attempt_start
    from exams.services.grading import attempt_submit
    from exams.services.papers import shown_answer

    staff = sitting.staff.first()
    check_in(sitting=sitting, id_number=enrollment.trainee.id_number, staff_user=staff, seat="A01")
    attempt = attempt_start(enrollment=enrollment, sitting=sitting)
    for n, item in enumerate(attempt.items.select_related("version")):
        value = shown_answer(item) if n % 9 else ""  # a few left blank: a realistic score, still a pass
        answer_save(
            attempt_id=attempt.pk,
            trainee_id=enrollment.trainee_id,
            item_id=item.pk,
            value=value,
            tab_token=attempt.tab_token,
        )
    attempt_submit(attempt_id=attempt.pk, reason=SubmitReason.CANDIDATE)


def load(log=print) -> None:
    ensure_exam_national_default()
    project = TrainingProject.objects.filter(code=PROJECT).select_related("region").first()
    if project is None:
        log("   未找到演示项目，跳过考试")
        return
    _bank(log)
    for pc in (1, 2, 3):
        if not project.blueprints.filter(personnel_class=pc).exists():
            blueprint_save(
                project=project, personnel_class=pc, cells=CELLS, single_points=3, multiple_points=4, judge_points=1
            )
    online, site = _sittings(project)
    ready = _candidates(project, log)
    passed = Certificate.objects.filter(project=project).count()
    for enrollment in ready[: max(0, WANT_PASSED - passed)]:
        if not Attempt.objects.filter(enrollment=enrollment).exists():
            _pass_at_site(enrollment, site)
    certificates = Certificate.objects.filter(project=project)
    waiting = len(_candidates(project, log))
    log(f"   考试场次：{online.name}、{site.name}；待考学员 {waiting} 人；已发证 {certificates.count()} 本")


def demo_certificate_serial() -> str | None:
    certificate = Certificate.objects.filter(project__code=PROJECT).order_by("serial").first()
    return certificate.serial if certificate else None
