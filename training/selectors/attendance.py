"""Reads of attendance evidence: which attendance was typed by provider staff (manual), for every report."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, Q

from training.models import Attendance, AttendanceMethod, CreditedHours, Provider
from training.scope import visible

MANUAL = Q(sign_in_method=AttendanceMethod.MANUAL) | Q(sign_out_method=AttendanceMethod.MANUAL)


def manual_hours_by_enrollment(enrollment_ids) -> dict[int, int]:
    """Live offline seconds credited from manual attendance, per enrollment (the "其中手工考勤" of progress;
    pages show them with `seconds_as_hours`)."""
    manual = Attendance.objects.filter(MANUAL, enrollment_id__in=list(enrollment_ids)).values_list("pk", flat=True)
    rows = CreditedHours.objects.filter(
        source__in=[f"attendance:{pk}" for pk in manual], voided_at__isnull=True
    ).values_list("enrollment_id", "seconds")
    result: dict[int, int] = defaultdict(int)
    for enrollment_id, seconds in rows:
        result[enrollment_id] += seconds
    return dict(result)


def credited_by_attendance(attendances) -> dict[int, int]:
    """Live seconds credited per attendance id."""
    sources = {f"attendance:{a.pk}": a.pk for a in attendances}
    rows = CreditedHours.objects.filter(source__in=list(sources), voided_at__isnull=True)
    return {sources[source]: seconds for source, seconds in rows.values_list("source", "seconds")}


def manual_attendance(user, *, provider_id: int | None = None):
    """Manual attendance the user may see (scope), newest first, optionally of one provider."""
    rows = visible(user, Attendance.objects.filter(MANUAL)).select_related(
        "enrollment__trainee", "session__offline_class__project__provider", "recorded_by"
    )
    if provider_id:
        rows = rows.filter(session__offline_class__project__provider_id=provider_id)
    return rows.order_by("-session__date", "-session__start", "enrollment__trainee__name")


def manual_attendance_by_provider(user):
    """Per provider in the user's scope: how many attendance rows are manual, of how many."""
    rows = visible(user, Attendance.objects.all())
    counts = rows.values("session__offline_class__project__provider").annotate(
        total=Count("pk"), manual=Count("pk", filter=MANUAL)
    )
    providers = Provider.objects.in_bulk([c["session__offline_class__project__provider"] for c in counts])
    return sorted(
        (
            {"provider": providers[c["session__offline_class__project__provider"]], **c}
            for c in counts
            if c["session__offline_class__project__provider"] in providers
        ),
        key=lambda c: -c["manual"],
    )
