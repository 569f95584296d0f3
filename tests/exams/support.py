"""Exam test data built through the real services: a bank, a blueprint, complete trainees, a sitting."""

import datetime
import itertools

from django.utils import timezone

from exams.models import SittingMode
from exams.services.bank import QuestionValues, question_create
from exams.services.papers import Cell, blueprint_save
from exams.services.sittings import sitting_create
from tests.training import builders
from training.models import PersonnelClass
from training.services.classes import attendance_record
from training.services.hours import hours_credit_online

_seq = itertools.count(1)
PC = PersonnelClass.SAFETY_MANAGER


def question(kind="single", topic="法律法规", difficulty="easy", classes="123", answer=None, options=None, **bank):
    n = next(_seq)
    if kind == "judge":
        options, answer = [], answer or "T"
    else:
        options = options or [f"选项甲{n}", f"选项乙{n}", f"选项丙{n}", f"选项丁{n}"]
        answer = answer or ("B" if kind == "single" else "AC")
    values = QuestionValues(kind, f"第{n}题：{topic}题干", options, answer, topic, difficulty, classes, "解析")
    return question_create(values=values, **bank)


def bank(single=12, multiple=6, judge=22, **kwargs):
    for _ in range(single):
        question("single", "法律法规", "easy", **kwargs)
    for _ in range(multiple):
        question("multiple", "应急处置", "medium", **kwargs)
    for _ in range(judge):
        question("judge", "职业健康", "easy", **kwargs)


CELLS = [
    Cell("single", "法律法规", "easy", 10),
    Cell("multiple", "应急处置", "medium", 5),
    Cell("judge", "职业健康", "easy", 20),
]


def blueprint(project, personnel_class=PC, **kwargs):
    kwargs.setdefault("single_points", 4)
    kwargs.setdefault("multiple_points", 8)
    kwargs.setdefault("judge_points", 1)
    return blueprint_save(project=project, personnel_class=personnel_class, cells=CELLS, **kwargs)


class Course:
    """A project with a plan and an offline class whose sessions make a trainee complete when attended."""

    def __init__(self, project=None):
        self.project = project or builders.project()
        self.plan = builders.plan(self.project, PC, online="9.6", theory="14.4")
        self.oc = builders.offline_class(self.project, PC, capacity=80)
        self.staff = builders.provider_staff(self.project)
        self.sessions = [
            builders.session(self.oc, day=datetime.date(2024, 5, 6 + i), hours=h)
            for i, h in enumerate(["3", "3", "3", "3", "2.4"])
        ]

    def enrol(self, complete=True, **trainee_kwargs):
        from training.services.enrollments import enrollment_create

        enrollment = enrollment_create(
            project=self.project, trainee=builders.trainee(PC, **trainee_kwargs), offline_class=self.oc
        )
        if complete:
            self.complete(enrollment)
        return enrollment

    def complete(self, enrollment):
        for course in self.plan.courses.filter(modality="online"):
            hours_credit_online(
                enrollment=enrollment,
                course=course,
                minutes=course.hours * 60,
                source=f"t:{course.pk}:{enrollment.pk}",
            )
        for s in self.sessions:
            day = s.date
            attendance_record(
                session=s,
                enrollment=enrollment,
                recorded_by=self.staff,
                reason="测试：补录考勤",
                signed_in_at=timezone.make_aware(datetime.datetime.combine(day, s.start)),
                signed_out_at=timezone.make_aware(datetime.datetime.combine(day, s.end)),
            )


def sitting(project, mode=SittingMode.SITE, minutes_open=-10, hours=3, **kwargs):
    now = timezone.now()
    if mode == SittingMode.SITE:
        kwargs.setdefault("site", "东营市安全生产考点")
        kwargs.setdefault("room", "第1考场")
    return sitting_create(
        project=project,
        name="测试场次",
        mode=mode,
        opens_at=now + datetime.timedelta(minutes=minutes_open),
        closes_at=now + datetime.timedelta(hours=hours),
        **kwargs,
    )


def user_of(enrollment):
    from training.models import User

    return User.objects.filter(trainee=enrollment.trainee).first()


def site_ready(*, sitting, enrollment):
    """Check the candidate in at the exam site (a no-op for online sittings)."""
    from exams.services.sittings import check_in
    from tests.factories import staff_user
    from training.roles import Role

    if sitting.mode != SittingMode.SITE:
        return None
    staff = sitting.staff.first()
    if staff is None:
        staff = staff_user(Role.EM_OFFICER, region=sitting.project.region)
        sitting.staff.add(staff)
    return check_in(sitting=sitting, id_number=enrollment.trainee.id_number, staff_user=staff)
