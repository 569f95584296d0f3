"""Reads for the study and flag pages."""

from django.db.models import Count, Q

from proctoring.models import Flag, FlagKind, FlagStatus
from training.scope import visible
from training.selectors.lessons import lesson_rows


def study_lessons(trainee) -> list:
    """The online lessons of the trainee's active project, documentary first, with verified progress: the same read
    as /me/progress/ (training/selectors/lessons.py), so the two pages always agree."""
    return lesson_rows(trainee)


def flags_for(user, *, status: str = "", kind: str = "", appeal: str = ""):
    flags = visible(user, Flag.objects.all()).select_related(
        "enrollment__trainee", "enrollment__project__provider", "session__lesson", "matched_trainee", "reviewer"
    )
    if status:
        flags = flags.filter(status=status)
    if kind:
        flags = flags.filter(kind=kind)
    if appeal:
        flags = flags.filter(appeal_status=appeal)
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


def confirmed_flag_enrollment_count(enrollments) -> int:
    """How many of `enrollments` (a queryset) have a confirmed flag of any kind: the confirmed-flag rate behind a
    provider's or teacher's credit (oversight)."""
    return (
        Flag.objects.filter(enrollment__in=enrollments.values("pk"), status=FlagStatus.CONFIRMED)
        .values("enrollment")
        .distinct()
        .count()
    )
