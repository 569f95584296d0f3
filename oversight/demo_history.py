"""Enrolment history for the demo's progress chart (issue 11: "enough enrolment history that the charts show a
real trend"): Dongying's trainees not on the current project are trained in earlier cohorts, 2022 to 2024.

Each cohort runs through the real services — project, plans submitted and approved, offline class, sessions,
attendance, online hours, exam pass — *as of* its own dates: `as_of(day)` makes the clock read that day while the
services run, so every stored date (enrolment, credited hours, the stored completion, the pass) is the cohort's,
and every rule is checked as it would have been then. Demo data only; nothing else moves the clock."""

from __future__ import annotations

import contextlib
import datetime
from unittest import mock

from django.db.models import Count, Q, Sum
from django.utils import timezone

from oversight import rules
from proctoring.demo import demo_lessons
from training.demo.classes import PLANS, VENUE
from training.models import (
    ClassSession,
    Enterprise,
    Modality,
    PersonnelClass,
    Provider,
    Region,
    SessionKind,
    Trainee,
    TrainingProject,
    User,
)
from training.services.classes import attendance_record, class_session_create, offline_class_create
from training.services.enrollments import enrollment_create, enrollment_mark_passed
from training.services.hours import hours_credit_online
from training.services.lessons import lesson_study_credit
from training.services.people import trainee_create
from training.services.plans import course_add, plan_approve, plan_create, plan_submit
from training.services.projects import project_create
from training.validators import build_id_number

# year → (month the cohort starts, share of the remaining trainees in %); the last takes the rest
COHORTS = [(2022, 4, 25), (2023, 3, 35), (2023, 9, 40), (2024, 4, 50), (2024, 9, 100)]
PASS_EVERY = 4  # one trainee in four has not passed (yet): the passed line stays below the trained one
# personnel class → offline sessions [(day offset, start, end, kind)]: the plan's offline hours exactly
SESSIONS = {
    PersonnelClass.DEPUTY_HEAD: [(i, (8, 30), (12, 30), SessionKind.THEORY) for i in range(4)]
    + [(4, (8, 30), (11, 42), SessionKind.THEORY)],
    PersonnelClass.SAFETY_MANAGER: [(i, (8, 30), (12, 30), SessionKind.THEORY) for i in range(4)]
    + [(4, (8, 30), (11, 42), SessionKind.THEORY)],
    PersonnelClass.TEAM_LEADER: [(i, (8, 30), (12, 30), SessionKind.THEORY) for i in range(3)]
    + [(i, (14, 0), (18, 0), SessionKind.PRACTICAL) for i in range(3)],
}


@contextlib.contextmanager
def as_of(moment: datetime.datetime):
    """The clock reads `moment` (Django's timezone.now, which auto_now_add and localdate use)."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def _at(day: datetime.date, hm) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(*hm)))


def _plans(project, staff, hr) -> dict:
    plans = {}
    for personnel_class, courses in PLANS.items():
        plan = plan_create(project=project, personnel_class=personnel_class)
        for title, modality, hours, documentary in courses:
            course_add(plan=plan, title=title, hours=hours, modality=modality, is_documentary=documentary)
        plan = plan_submit(plan=plan, by=staff)
        plans[personnel_class] = plan_approve(plan=plan, by=hr, comment="符合培训规则，同意实施")
    demo_lessons(project)
    return plans


def _cohort(project, plans, trainees, start: datetime.date, staff, number: int) -> None:
    by_class: dict[int, list[Trainee]] = {}
    for t in trainees:
        by_class.setdefault(t.personnel_class, []).append(t)
    for personnel_class, people in by_class.items():
        oc = offline_class_create(
            project=project, personnel_class=personnel_class, code=f"{project.code}-{number}-{personnel_class}",
            name=f"{PersonnelClass(personnel_class).label}往期第{number}期",
        )  # fmt: skip
        enrollments = [enrollment_create(project=project, trainee=t, offline_class=oc) for t in people]
        sessions = [
            class_session_create(
                offline_class=oc, date=start + datetime.timedelta(days=7 + offset), start=datetime.time(*s),
                end=datetime.time(*e), venue=VENUE, kind=kind, topic=oc.name,
            )
            for offset, s, e, kind in SESSIONS[personnel_class]
        ]  # fmt: skip
        _attend(sessions, enrollments, staff)
        for index, enrollment in enumerate(enrollments):
            _study_online(enrollment, plans[personnel_class], sessions[-1].date)
            if (index + number) % PASS_EVERY:
                passed_on = sessions[-1].date + datetime.timedelta(days=14)
                with as_of(_at(passed_on, (10, 0))):
                    enrollment_mark_passed(enrollment=enrollment, passed_on=passed_on, score=80 + index % 20)


def _attend(sessions: list[ClassSession], enrollments, staff) -> None:
    for session in sessions:
        with as_of(_at(session.date, (session.end.hour, session.end.minute)) + datetime.timedelta(hours=1)):
            for enrollment in enrollments:
                attendance_record(
                    session=session, enrollment=enrollment, recorded_by=staff,
                    signed_in_at=_at(session.date, (session.start.hour, session.start.minute))
                    - datetime.timedelta(minutes=5),
                    signed_out_at=_at(session.date, (session.end.hour, session.end.minute)),
                    reason="演示数据：往期班级据纸质签到表补录",
                )  # fmt: skip


def _study_online(enrollment, plan, day: datetime.date) -> None:
    """Every lesson watched to its end through the service study uses (so /study/ and /me/progress/ agree); the
    demo's clips are seconds long, so the rest of each course's hours stand for the full-length videos."""
    with as_of(_at(day, (20, 0))):
        for course in plan.courses.filter(modality=Modality.ONLINE):
            for lesson in course.lessons.all():
                lesson_study_credit(
                    enrollment=enrollment, lesson=lesson, reached_second=lesson.duration_seconds,
                    source=f"demo-history:{enrollment.pk}:lesson:{lesson.pk}",
                )  # fmt: skip
            done = enrollment.credited_hours.filter(course=course, voided_at__isnull=True).aggregate(s=Sum("seconds"))
            rest = int(course.hours * 3600) - (done["s"] or 0)
            if rest > 0:
                hours_credit_online(
                    enrollment=enrollment, course=course, seconds=rest,
                    source=f"demo-history:{enrollment.pk}:{course.pk}",
                )  # fmt: skip


EXTRA = 150  # people of the earlier cohorts beyond those of trainees.csv (1 : 2 : 5 by class)
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = ["建国", "志强", "海燕", "立新", "春梅", "国庆", "红霞", "永刚", "秀英", "俊杰", "晓东", "丽娟"]


def _earlier_staff(enterprises) -> list[Trainee]:
    """Staff of the enterprises trained in the earlier cohorts, registered through the trainee service."""
    classes = [PersonnelClass.DEPUTY_HEAD] + [PersonnelClass.SAFETY_MANAGER] * 2 + [PersonnelClass.TEAM_LEADER] * 5
    out = []
    for i in range(EXTRA if enterprises else 0):
        enterprise = enterprises[i % len(enterprises)]
        birth = datetime.date(1970, 1, 1) + datetime.timedelta(days=97 * i)
        out.append(
            trainee_create(
                name=SURNAMES[i % len(SURNAMES)] + GIVEN[i % len(GIVEN)],
                id_number=build_id_number(enterprise.region.code, birth, 500 + i % 400),
                personnel_class=classes[i % len(classes)],
                enterprise=enterprise,
                post_start_date=datetime.date(2015, 3, 1),
                phone=f"1376{i:07d}",
            )
        )
    return out


def load(log=print) -> None:
    region = Region.objects.filter(code="370500").first()
    staff = User.objects.filter(username="provider_dongying").first()
    hr = User.objects.filter(username="hr_dongying").first()
    provider = Provider.objects.filter(name="东营市安全生产培训中心").first()
    if None in (region, staff, hr, provider):
        log("oversight: no Dongying demo project, no history")
        return
    if TrainingProject.objects.filter(code__startswith="DEMO-DONGYING-HIST").exists():
        log("oversight: enrolment history already loaded")
        return
    # trainees not yet enrolled, of enterprises not behind today: the enterprises behind stay behind, for the
    # follow-up list (重点督促)
    counts = (
        Trainee.objects.filter(enterprise__region__parent=region)
        .values("enterprise_id")
        .annotate(people=Count("pk"), enrolled=Count("pk", filter=Q(enrollments__isnull=False)))
    )
    behind = [
        c["enterprise_id"] for c in counts.order_by() if rules.is_behind(people=c["people"], enrolled=c["enrolled"])
    ]
    waiting = list(
        Trainee.objects.filter(enterprise__region__parent=region, enrollments__isnull=True)
        .exclude(enterprise__in=behind)
        .order_by("id_number")
    )
    enterprises = list(
        Enterprise.objects.filter(region__parent=region).exclude(pk__in=behind).select_related("region").order_by("pk")
    )
    waiting += _earlier_staff(enterprises)
    total, projects = 0, {}
    for number, (year, month, share) in enumerate(COHORTS, start=1):
        start = datetime.date(year, month, 1)
        count = len(waiting) * share // 100 if share < 100 else len(waiting)
        cohort, waiting = waiting[:count], waiting[count:]
        with as_of(_at(start, (9, 0))):
            if year not in projects:
                name = f"东营市{year}年危险化学品企业工伤预防能力提升培训项目（往期）"
                project = project_create(
                    code=f"DEMO-DONGYING-HIST-{year}", name=name, region=region, year=year, provider=provider
                )
                projects[year] = (project, _plans(project, staff, hr))
        project, plans = projects[year]
        with as_of(_at(start, (9, 30))):
            _cohort(project, plans, cohort, start, staff, number)
        total += len(cohort)
    log(f"oversight: enrolment history 2022–2024 of {total} trainees in 东营市 ({len(COHORTS)} cohorts)")
