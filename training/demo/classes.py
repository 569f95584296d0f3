"""Demo step: the contract, plans, offline classes, sessions, attendance and credited hours of DEMO-DONGYING-2024.

Everything goes through the services (rule checks included); rows are found by natural key first, so a second
run creates nothing. The empty classes DY-2024-1-01 / 2-01 / 3-01 are left for roster imports; DY-2024-2-02 and
DY-2024-3-02 have sessions and attendance so that completion (and what is missing) can be seen.
"""

from __future__ import annotations

import datetime
import secrets
from decimal import Decimal

from django.utils import timezone

from training.demo.organisations import DEMO_PROJECT_CODE, read_csv
from training.models import (
    ClassSession,
    Enrollment,
    EnrollmentStatus,
    Modality,
    OfflineClass,
    PersonnelClass,
    PlanStatus,
    Provider,
    Region,
    ServiceContract,
    SessionKind,
    TrainingPlan,
    TrainingProject,
    User,
)
from training.roles import Role
from training.services import people
from training.services.classes import attendance_record, class_session_create, offline_class_create
from training.services.enrollments import enrollment_assign_class
from training.services.plans import course_add, plan_approve, plan_create, plan_submit
from training.services.policy import ensure_national_default
from training.services.projects import contract_save

# personnel class → [(title, modality, hours, is_documentary)]: valid against the national rules.
PLANS = {
    PersonnelClass.DEPUTY_HEAD: [
        ("专题片《生命重于泰山》", Modality.ONLINE, "2", True),
        ("安全生产法律法规与工伤保险政策", Modality.ONLINE, "10.8", False),
        ("企业主要负责人安全领导力与事故案例研讨", Modality.OFFLINE_THEORY, "19.2", False),
    ],
    PersonnelClass.SAFETY_MANAGER: [
        ("专题片《生命重于泰山》", Modality.ONLINE, "2", True),
        ("危险化学品安全管理法规标准", Modality.ONLINE, "10.8", False),
        ("双重预防机制与重大危险源管理", Modality.OFFLINE_THEORY, "19.2", False),
    ],
    PersonnelClass.TEAM_LEADER: [
        ("专题片《生命重于泰山》", Modality.ONLINE, "2", True),
        ("班组安全基础知识与工伤预防", Modality.ONLINE, "14", False),
        ("危险作业与特殊作业管理", Modality.OFFLINE_THEORY, "12", False),
        ("应急处置与个体防护实训", Modality.OFFLINE_PRACTICAL, "12", False),
    ],
}
EMPTY_CLASSES = [
    ("DY-2024-1-01", PersonnelClass.DEPUTY_HEAD, "安全生产分管负责人第1期"),
    ("DY-2024-2-01", PersonnelClass.SAFETY_MANAGER, "专职安全管理人员第1期"),
    ("DY-2024-3-01", PersonnelClass.TEAM_LEADER, "班组长第1期"),
]
# code, class, name, how many trainees, sessions [(day, start, end, kind)] (hours = the scheduled length, at most
# 8 a day), attendance: sessions attended per trainee position (the rest attend none). No online hours are credited
# here: online hours come only from face-verified study (proctoring's study services), so the demo's trainees start
# every online lesson at 0 and /study/ and /me/progress/ agree.
RUN_CLASSES = [
    (
        "DY-2024-2-02",
        PersonnelClass.SAFETY_MANAGER,
        "专职安全管理人员第2期",
        10,
        [(13 + i, (8, 30), (12, 30), SessionKind.THEORY) for i in range(4)]
        + [(17, (8, 30), (11, 42), SessionKind.THEORY)],  # 3.2 h: the plan's 19.2 offline hours in all
        [5] * 6 + [3, 3],
    ),
    (
        "DY-2024-3-02",
        PersonnelClass.TEAM_LEADER,
        "班组长第2期",
        8,
        [(20 + i, (8, 30), (12, 30), SessionKind.THEORY) for i in range(3)]
        + [(20 + i, (14, 0), (18, 0), SessionKind.PRACTICAL) for i in range(3)],
        [6] * 4 + [3] * 4,
    ),
]
VENUE = "东营市安全生产培训中心实训基地"
# The demo's 2024 attendance predates QR sign-in: typed from the paper sheet, so marked manual with this reason.
MANUAL_REASON = "演示数据：据纸质签到表补录"


def _user(username: str, role: str, **binding) -> User:
    """The demo account `demo_accounts` prints (it sets the printed password); created here if missing."""
    return User.objects.filter(username=username).first() or people.staff_user_create(
        username=username, password=secrets.token_urlsafe(16), role=role, **binding
    )


def _contract(project: TrainingProject, hr: User) -> None:
    if ServiceContract.objects.filter(project=project).exists():
        return
    contract_save(
        project=project,
        by=hr,
        number="DYRS-2024-GS-017",
        # A scale of 300 with 100 enrolled: room for a demo user's roster upload (issue 7).
        trainees_class1=30,
        trainees_class2=90,
        trainees_class3=180,
        method="线上学习（人脸核验）与线下小班面授、实训相结合",
        content="按三类人员分别制定培训计划，含必学专题片《生命重于泰山》",
        start_date=datetime.date(2024, 4, 1),
        end_date=datetime.date(2024, 12, 31),
        performance_targets="参训率100%，考试合格率不低于90%，学员满意度不低于90%",
        fee_class1=Decimal("1200.00"),
        fee_class2=Decimal("1000.00"),
        fee_class3=Decimal("900.00"),
        responsibilities="甲方负责组织调度与监督检查；乙方负责实名制管理、组织教学、考勤与考试",
        signed_at=datetime.date(2024, 3, 25),
    )


def _plans(project: TrainingProject, staff: User, hr: User) -> dict[int, TrainingPlan]:
    plans = {}
    for personnel_class, courses in PLANS.items():
        plan = TrainingPlan.objects.filter(project=project, personnel_class=personnel_class).first()
        if plan is None:
            plan = plan_create(project=project, personnel_class=personnel_class)
            for title, modality, hours, documentary in courses:
                course_add(plan=plan, title=title, hours=hours, modality=modality, is_documentary=documentary)
        if plan.status != PlanStatus.APPROVED:
            plan = plan_submit(plan=plan, by=staff)
            plan = plan_approve(plan=plan, by=hr, comment="符合培训规则，同意实施")
        plans[personnel_class] = plan
    return plans


def _roster(project, personnel_class) -> list[Enrollment]:
    """Enrollments of one personnel class in the order of enrollments.csv (its first rows get demo accounts)."""
    order = {row["身份证号"]: i for i, row in enumerate(read_csv("enrollments.csv"))}
    enrollments = Enrollment.objects.filter(
        project=project, status=EnrollmentStatus.ACTIVE, trainee__personnel_class=personnel_class
    ).select_related("trainee")
    return sorted(enrollments, key=lambda e: order.get(e.trainee.id_number, len(order)))


def _at(day: datetime.date, hm) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(*hm)))


def _run_class(project, staff, plan, spec, log) -> None:
    code, personnel_class, name, size, sessions, attended = spec
    oc = OfflineClass.objects.filter(code=code).first() or offline_class_create(
        project=project, personnel_class=personnel_class, code=code, name=name
    )
    roster = [e for e in _roster(project, personnel_class) if e.offline_class_id in (None, oc.pk)][:size]
    for enrollment in roster:
        if enrollment.offline_class_id != oc.pk:
            enrollment_assign_class(enrollment=enrollment, offline_class=oc)
            enrollment.offline_class = oc
    rows = []
    for day, start, end, kind in sessions:
        date = datetime.date(2024, 5, day)
        session = ClassSession.objects.filter(offline_class=oc, date=date, start=datetime.time(*start)).first()
        rows.append(
            session
            or class_session_create(
                offline_class=oc,
                date=date,
                start=datetime.time(*start),
                end=datetime.time(*end),
                venue=VENUE,
                kind=kind,
                topic=name,
            )
        )
    for position, enrollment in enumerate(roster):
        count = attended[position] if position < len(attended) else 0
        for session in _mixed(rows, count):
            attendance_record(
                session=session,
                enrollment=enrollment,
                recorded_by=staff,
                signed_in_at=_at(session.date, (session.start.hour, session.start.minute))
                - datetime.timedelta(minutes=5),
                signed_out_at=_at(session.date, (session.end.hour, session.end.minute)),
                reason=MANUAL_REASON,
            )
    log(f"   班级 {code}：{len(roster)} 名学员，{len(rows)} 个课次")


def _mixed(rows, count):
    """Partial attendance: theory sessions first (so team leaders lack practical hours)."""
    return sorted(rows, key=lambda s: s.kind != SessionKind.THEORY)[:count]


def load(log=print) -> None:
    ensure_national_default()
    project = TrainingProject.objects.filter(code=DEMO_PROJECT_CODE).select_related("region", "provider").first()
    if project is None:
        log("   未找到演示项目，跳过")
        return
    staff = _user("provider_dongying", Role.PROVIDER_STAFF, provider=Provider.objects.get(pk=project.provider_id))
    hr = _user("hr_dongying", Role.HR_OFFICER, region=Region.objects.get(code="370500"))
    _contract(project, hr)
    plans = _plans(project, staff, hr)
    for code, personnel_class, name in EMPTY_CLASSES:
        if not OfflineClass.objects.filter(code=code).exists():
            offline_class_create(project=project, personnel_class=personnel_class, code=code, name=name)
    for spec in RUN_CLASSES:
        _run_class(project, staff, plans[spec[1]], spec, log)
    log(f"   培训计划 {len(plans)} 个，线下班级 {OfflineClass.objects.filter(project=project).count()} 个")
