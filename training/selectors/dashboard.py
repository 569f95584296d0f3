"""Reads for the home pages: real counts from the user's scope (training/scope.py), shaped so that a busy
official sees at a glance how many people of each class there are, where, and how many are on a roster."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from training.models import (
    ClassSession,
    Enrollment,
    EnrollmentStatus,
    Enterprise,
    PersonnelClass,
    ProjectStatus,
    Provider,
    ProviderStatus,
    Region,
    RosterImport,
    RosterImportStatus,
    Trainee,
    TrainingProject,
)
from training.scope import binding_kind, region_subtree, visible
from training.selectors.completion import progress_for_enrollments

# Tiles that apps built on training add to the staff home page (training imports none of them: each app
# registers its panel function in AppConfig.ready). A panel function takes the user and returns
# {"label": ..., "value": ..., "note": ..., "url": ...} or None when it has nothing for that user.
HOME_PANELS: list = []


# Sections that apps built on training add to the trainee's own home page, the same way: a function of the user
# returning {"template": "<app>/<file>.html", ...its context...} or None.
TRAINEE_HOME_SECTIONS: list = []


def home_panels(user) -> list[dict]:
    return [panel for function in HOME_PANELS if (panel := function(user)) is not None]


@dataclass(frozen=True)
class Step:
    """One thing to do now, shown at the top of a home page: what, where (a link to the list behind it, filtered),
    how many, and whether it is already done (a trainee sees their whole path, done steps struck through)."""

    order: int
    label: str
    url: str
    detail: str = ""
    count: int | None = None
    done: bool = False
    alert: bool = False


# Functions (user) -> list[Step] that apps built on training add in AppConfig.ready (training imports none of them):
# proctoring adds consent, face enrolment, the next lesson and flags; exams adds the exam when eligible.
NEXT_STEPS: list = []


def next_steps(user) -> list[Step]:
    """What this user should do now, most urgent first: training's own steps and those the other apps add."""
    steps = _training_steps(user)
    for function in NEXT_STEPS:
        steps.extend(function(user))
    return sorted(steps, key=lambda step: (step.done, step.order))


def _training_steps(user) -> list[Step]:
    if binding_kind(user) == "trainee":
        return _trainee_steps(user)
    steps = []
    if user.has_perm("training.import_roster"):
        steps += _provider_steps(user)
    elif user.has_perm("training.view_trainee"):
        steps += _coverage_steps(user)
    if user.has_perm("training.decide_project"):
        steps += _decision_steps(user)
    return steps


def _coverage_steps(user) -> list[Step]:
    """Officials follow up the people not yet on any project (四(二) 强化重点督促检查)."""
    trainees = visible(user, Trainee.objects.all())
    rostered = Trainee.objects.filter(enrollments__status__in=[EnrollmentStatus.ACTIVE, EnrollmentStatus.COMPLETED])
    n = trainees.exclude(pk__in=rostered.values("pk")).count()
    if not n:
        return []
    return [
        Step(
            order=50,
            label=_("尚未纳入培训项目的人员：督促所在企业报名"),
            url=reverse("trainee-list") + "?on_roster=0",
            count=n,
        )
    ]


def _trainee_steps(user) -> list[Step]:
    today = timezone.localdate()
    sessions = visible(user, ClassSession.objects.select_related("offline_class")).filter(
        offline_class__enrollments__trainee_id=user.trainee_id,
        offline_class__enrollments__status=EnrollmentStatus.ACTIVE,
        date__gte=today,
    )
    session = sessions.order_by("date", "start").first()
    steps = [Step(order=90, label=_("查看我的学时和尚缺的要求"), url=reverse("my-progress"))]
    enrollments = visible(user, Enrollment.objects.filter(trainee_id=user.trainee_id, status=EnrollmentStatus.ACTIVE))
    enrollments = enrollments.select_related("trainee", "project__region")
    if any(p.complete for p in progress_for_enrollments(enrollments)):
        # the exams app adds the exam itself (its page and sitting) through NEXT_STEPS
        steps.append(
            Step(order=50, label=_("学时已达到结业要求：可以参加结业考试（闭卷）"), url=reverse("my-progress"))
        )
    if session is not None:
        steps.append(
            Step(
                order=40,
                label=_("参加下一次线下课：%(date)s %(start)s，%(venue)s")
                % {
                    "date": session.date.strftime("%Y-%m-%d"),
                    "start": session.start.strftime("%H:%M"),
                    "venue": session.venue,
                },
                detail=_("请带身份证件，现场签到、签退后计入学时。"),
                url=reverse("my-progress") + "#sessions",
            )
        )
    return steps


ROSTERS_WITH_ERRORS = Q(status__in=[RosterImportStatus.REJECTED, RosterImportStatus.FAILED]) | Q(
    status=RosterImportStatus.CHECKED, invalid_rows__gt=0
)


def _provider_steps(user) -> list[Step]:
    steps = []
    bad = visible(user, RosterImport.objects.all()).filter(ROSTERS_WITH_ERRORS)
    if n := bad.count():
        steps.append(
            Step(
                order=10,
                label=_("有错误的花名册：修改后重新上传"),
                url=reverse("roster-list") + "?errors=1",
                count=n,
                alert=True,
            )
        )
    unplaced = visible(user, Enrollment.objects.filter(status=EnrollmentStatus.ACTIVE, offline_class__isnull=True))
    by_project = list(unplaced.values_list("project").annotate(n=Count("pk")).order_by("-n"))
    if by_project:
        project_id, _n = by_project[0]
        steps.append(
            Step(
                order=20,
                label=_("未分班的学员：分配到线下班级"),
                url=reverse("project-detail", args=[project_id]) + "?offline_class=none#roster",
                count=sum(n for _p, n in by_project),
            )
        )
    missing = (
        visible(user, ClassSession.objects.all())
        .filter(date__lte=timezone.localdate())
        .annotate(n=Count("attendances"))
        .filter(n=0)
        .order_by("date", "start")
    )
    if n := missing.count():
        first = missing.first()
        steps.append(
            Step(
                order=30,
                label=_("已上课但未录考勤的课次：录入签到签退"),
                url=reverse("attendance-sheet", args=[first.pk]),
                count=n,
                alert=True,
            )
        )
    return steps


WAITING_FOR_DECISION = [ProjectStatus.SUBMITTED, ProjectStatus.EXPERT_REVIEW]


def _decision_steps(user) -> list[Step]:
    waiting = visible(user, TrainingProject.objects.filter(status__in=WAITING_FOR_DECISION))
    if n := waiting.count():
        return [
            Step(
                order=20,
                label=_("等待决定的培训项目：遴选、评审或确定入选"),
                url=reverse("project-list") + "?status=waiting",
                count=n,
            )
        ]
    return []


def home_counts(user) -> dict:
    trainees = visible(user, Trainee.objects.all())
    by_class = dict(trainees.values_list("personnel_class").annotate(n=Count("pk")).order_by())
    total = sum(by_class.values())
    on_roster = trainees.filter(enrollments__status__in=[EnrollmentStatus.ACTIVE, EnrollmentStatus.COMPLETED])
    on_roster = on_roster.values("pk").distinct().count()
    return {
        "trainees_total": total,
        "trainees_by_class": [(label, by_class.get(value, 0)) for value, label in PersonnelClass.choices],
        "priority_trainees": trainees.filter(new_or_transferred=True).count(),
        "on_roster": on_roster,
        "not_on_roster": total - on_roster,
        "enterprises": visible(user, Enterprise.objects.all()).count(),
        "major_hazard_enterprises": visible(user, Enterprise.objects.filter(major_hazard=True)).count(),
        "providers": visible(user, Provider.objects.all()).count(),
        "projects": visible(user, TrainingProject.objects.all()).count(),
    }


@dataclass
class AreaRow:
    """One line of the by-area table: a region below the officer's own, or an enterprise of a park."""

    label: str
    region_id: int | None = None
    enterprise_id: int | None = None
    by_class: list[int] = field(default_factory=lambda: [0, 0, 0])
    priority: int = 0
    on_roster: int = 0
    enterprises: int = 0
    major_hazard: int = 0

    @property
    def trainees(self) -> int:
        return sum(self.by_class)


def _area_of(user) -> tuple[list[Region], dict[int, int]]:
    """The regions one level below the user's own (provinces for a superuser), and region id → that row's id."""
    if user.is_superuser:
        tops = list(Region.objects.filter(parent__isnull=True))
    elif binding_kind(user) == "region":
        tops = list(Region.objects.filter(parent=user.region_id)) or [user.region]
    else:
        return [], {}
    owner = {}
    for top in tops:
        for pk in region_subtree(top).values_list("pk", flat=True):
            owner[pk] = top.pk
    return tops, owner


def area_rows(user) -> list[AreaRow]:
    """Counts by area: by sub-region for region officers and superusers, by enterprise for park officers."""
    if binding_kind(user) == "park":
        return _park_rows(user)
    tops, owner = _area_of(user)
    if not tops:
        return []
    rows = {top.pk: AreaRow(label=top.name, region_id=top.pk) for top in tops}
    trainees = visible(user, Trainee.objects.all())
    for region_id, pclass, priority, n in (
        trainees.values_list("enterprise__region", "personnel_class", "new_or_transferred")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        row = rows.get(owner.get(region_id))
        if row:
            row.by_class[pclass - 1] += n
            row.priority += n if priority else 0
    rostered = trainees.filter(enrollments__status__in=[EnrollmentStatus.ACTIVE, EnrollmentStatus.COMPLETED])
    for region_id, n in rostered.values_list("enterprise__region").annotate(n=Count("pk", distinct=True)).order_by():
        if row := rows.get(owner.get(region_id)):
            row.on_roster += n
    enterprises = visible(user, Enterprise.objects.all())
    for region_id, n, major in (
        enterprises.values_list("region")
        .annotate(n=Count("pk"), major=Count("pk", filter=Q(major_hazard=True)))
        .order_by()
    ):
        if row := rows.get(owner.get(region_id)):
            row.enterprises += n
            row.major_hazard += major
    return [rows[top.pk] for top in tops]


def _park_rows(user) -> list[AreaRow]:
    rows = []
    enterprises = visible(user, Enterprise.objects.filter(park=user.park_id)).annotate(
        c1=Count("trainees", filter=Q(trainees__personnel_class=1)),
        c2=Count("trainees", filter=Q(trainees__personnel_class=2)),
        c3=Count("trainees", filter=Q(trainees__personnel_class=3)),
        priority=Count("trainees", filter=Q(trainees__new_or_transferred=True)),
    )
    rostered = Counter(
        dict(
            visible(user, Trainee.objects.filter(enrollments__status=EnrollmentStatus.ACTIVE))
            .values_list("enterprise")
            .annotate(n=Count("pk", distinct=True))
            .order_by()
        )
    )
    for e in enterprises:
        rows.append(
            AreaRow(
                label=e.name,
                enterprise_id=e.pk,
                by_class=[e.c1, e.c2, e.c3],
                priority=e.priority,
                on_roster=rostered[e.pk],
                enterprises=1,
                major_hazard=int(e.major_hazard),
            )
        )
    return rows


def _through_enrollments(status) -> Q:
    from training.selectors.roster import roster_status_q

    return roster_status_q(status, prefix="enrollments__")


def project_rows(user):
    """The projects in scope with their roster size (在训 / 已结业 / 已退出, as the roster page filters them)."""
    return (
        visible(user, TrainingProject.objects.all())
        .select_related("region", "provider", "park")
        .annotate(
            active=Count("enrollments", filter=_through_enrollments(EnrollmentStatus.ACTIVE)),
            completed=Count("enrollments", filter=_through_enrollments(EnrollmentStatus.COMPLETED)),
            withdrawn=Count("enrollments", filter=_through_enrollments(EnrollmentStatus.WITHDRAWN)),
        )
        .order_by("-year", "code")[:20]
    )


def trainee_home(user) -> dict:
    """A trainee's own page: their record, enterprise and enrolments (nothing of anyone else)."""
    trainee = visible(user, Trainee.objects.select_related("enterprise__region__parent", "enterprise__park")).get(
        pk=user.trainee_id
    )
    enrollments = visible(user, Enrollment.objects.filter(trainee=trainee)).select_related(
        "project__provider", "project__region"
    )
    sections = [section for function in TRAINEE_HOME_SECTIONS if (section := function(user)) is not None]
    return {"trainee": trainee, "enrollments": enrollments.order_by("-created_at"), "sections": sections}


def removed_providers():
    """The public list of removed providers (三(三) 公开曝光): anyone may read it."""
    return Provider.objects.filter(status=ProviderStatus.REMOVED).order_by("-status_changed_at")
