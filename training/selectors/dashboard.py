"""Reads for the home pages: real counts from the user's scope (training/scope.py), shaped so that a busy
official sees at a glance how many people of each class there are, where, and how many are on a roster."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Q

from training.models import (
    Enrollment,
    EnrollmentStatus,
    Enterprise,
    PersonnelClass,
    Provider,
    ProviderStatus,
    Region,
    Trainee,
    TrainingProject,
)
from training.scope import binding_kind, region_subtree, visible

# Tiles that apps built on training add to the staff home page (training imports none of them: each app
# registers its panel function in AppConfig.ready). A panel function takes the user and returns
# {"label": ..., "value": ..., "note": ..., "url": ...} or None when it has nothing for that user.
HOME_PANELS: list = []


# Sections that apps built on training add to the trainee's own home page, the same way: a function of the user
# returning {"template": "<app>/<file>.html", ...its context...} or None.
TRAINEE_HOME_SECTIONS: list = []


def home_panels(user) -> list[dict]:
    return [panel for function in HOME_PANELS if (panel := function(user)) is not None]


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
    rows = {top.pk: AreaRow(label=top.name) for top in tops}
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
                by_class=[e.c1, e.c2, e.c3],
                priority=e.priority,
                on_roster=rostered[e.pk],
                enterprises=1,
                major_hazard=int(e.major_hazard),
            )
        )
    return rows


def project_rows(user):
    """The projects in scope with their roster size (active / completed / withdrawn)."""
    return (
        visible(user, TrainingProject.objects.all())
        .select_related("region", "provider", "park")
        .annotate(
            active=Count("enrollments", filter=Q(enrollments__status=EnrollmentStatus.ACTIVE)),
            completed=Count("enrollments", filter=Q(enrollments__status=EnrollmentStatus.COMPLETED)),
            withdrawn=Count("enrollments", filter=Q(enrollments__status=EnrollmentStatus.WITHDRAWN)),
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
