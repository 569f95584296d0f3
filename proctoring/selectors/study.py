"""Reads for the study and flag pages."""

from django.db.models import Count, Q

from proctoring.models import Flag, FlagKind, FlagStatus
from training.models import EnrollmentStatus, Lesson, LessonProgress, Modality
from training.scope import visible


def study_lessons(trainee) -> list[dict]:
    """The online lessons of the trainee's active project, documentary first, with verified progress."""
    lessons = (
        Lesson.objects.filter(
            course__modality=Modality.ONLINE,
            course__plan__project__enrollments__trainee=trainee,
            course__plan__project__enrollments__status=EnrollmentStatus.ACTIVE,
            course__plan__personnel_class=trainee.personnel_class,
        )
        .select_related("course")
        .order_by("-course__is_documentary", "course__order", "order", "pk")
        .distinct()
    )
    progress = {
        p.lesson_id: p
        for p in LessonProgress.objects.filter(enrollment__trainee=trainee, lesson__in=[x.pk for x in lessons])
    }
    rows = []
    for lesson in lessons:
        p = progress.get(lesson.pk)
        furthest = p.furthest_second if p else 0
        rows.append(
            {
                "lesson": lesson,
                "furthest": furthest,
                "percent": min(100, round(100 * furthest / lesson.duration_seconds)),
                "completed": bool(p and p.completed),
            }
        )
    return rows


def flags_for(user, *, status: str = "", kind: str = ""):
    flags = visible(user, Flag.objects.all()).select_related(
        "enrollment__trainee", "enrollment__project__provider", "session__lesson", "matched_trainee", "reviewer"
    )
    if status:
        flags = flags.filter(status=status)
    if kind:
        flags = flags.filter(kind=kind)
    return flags.annotate(evidence=Count("snapshots"))


def flag_counts(user) -> dict:
    flags = visible(user, Flag.objects.all())
    return flags.aggregate(
        open=Count("pk", filter=Q(status=FlagStatus.OPEN)),
        confirmed=Count("pk", filter=Q(status=FlagStatus.CONFIRMED)),
        dismissed=Count("pk", filter=Q(status=FlagStatus.DISMISSED)),
        appeals=Count("pk", filter=Q(appeal_status="pending")),
    )


def confirmed_proxies_by_provider(user) -> list[dict]:
    """Confirmed proxy study counts against the provider (SPEC 三(三): lax providers are removed)."""
    return list(
        visible(user, Flag.objects.filter(kind=FlagKind.PROXY, status=FlagStatus.CONFIRMED))
        .values("enrollment__project__provider__name")
        .annotate(n=Count("pk"))
        .order_by("-n")
    )
