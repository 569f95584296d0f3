"""Reads of spot checks and revisits: the population a sample is drawn from, what an auditor sees, the recorded
attendance a spot check is compared with, and the hours a revisit puts at stake. Every list is scoped
(training.scope): an auditor sees only the projects assigned to them."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db.models import Count, Q

from oversight.models import Revisit, SampleDraw, SpotCheck
from training.models import Attendance, ClassSession, Enrollment, EnrollmentStatus, TrainingProject
from training.rules import hours_text
from training.scope import visible
from training.selectors.completion import enrollment_progress


def sample_sizes() -> tuple[int, int]:
    """How many offline sessions and learners a draw takes: settings OVERSIGHT_SAMPLE_SESSIONS and
    OVERSIGHT_SAMPLE_LEARNERS (environment), read at call time."""
    return int(settings.OVERSIGHT_SAMPLE_SESSIONS), int(settings.OVERSIGHT_SAMPLE_LEARNERS)


def session_population(project, *, held_by: datetime.date, max_id: int | None = None) -> list[int]:
    """The project's offline sessions held by `held_by` (up to `max_id`: the population as it stood at a draw)."""
    sessions = ClassSession.objects.filter(offline_class__project=project, date__lte=held_by)
    if max_id is not None:
        sessions = sessions.filter(pk__lte=max_id)
    return list(sessions.values_list("pk", flat=True))


def learner_population(project, *, max_id: int | None = None) -> list[int]:
    """The project's learners (its enrolments, whatever their status now: a withdrawn person may have studied)."""
    enrollments = Enrollment.objects.filter(project=project)
    if max_id is not None:
        enrollments = enrollments.filter(pk__lte=max_id)
    return list(enrollments.values_list("pk", flat=True))


def auditable_projects(user):
    return visible(user, TrainingProject.objects.select_related("provider", "region")).order_by("-year", "code")


def draws(user, project=None):
    rows = visible(user, SampleDraw.objects.select_related("project", "drawn_by"))
    return rows.filter(project=project) if project is not None else rows


def scoped_sessions(user):
    return visible(user, ClassSession.objects.select_related("offline_class__project", "teacher"))


def scoped_enrollments(user):
    return visible(user, Enrollment.objects.select_related("trainee__enterprise", "project", "offline_class"))


def attendance_figures(session) -> tuple[int, int]:
    """(signed in on the record, people on the class's roster) for one session, as the provider recorded them."""
    recorded = Attendance.objects.filter(session=session).count()
    roster = (
        Enrollment.objects.filter(offline_class_id=session.offline_class_id)
        .exclude(status=EnrollmentStatus.WITHDRAWN)
        .count()
    )
    return recorded, roster


def sessions_with_attendance(session_ids: list[int]):
    """The sampled sessions in draw order, each with its recorded attendance (`n_recorded`)."""
    rows = ClassSession.objects.filter(pk__in=session_ids).select_related("offline_class", "teacher")
    rows = {s.pk: s for s in rows.annotate(n_recorded=Count("attendances", distinct=True))}
    return [rows[pk] for pk in session_ids if pk in rows]


def enrollments_in_order(enrollment_ids: list[int]):
    rows = {e.pk: e for e in Enrollment.objects.filter(pk__in=enrollment_ids).select_related("trainee__enterprise")}
    return [rows[pk] for pk in enrollment_ids if pk in rows]


def credited_hours(enrollment) -> dict:
    """The enrolment's credited hours now (online, offline, total as text, and the total seconds)."""
    progress = enrollment_progress(enrollment)
    return {
        "online": hours_text(progress.online),
        "offline": hours_text(progress.offline),
        "total": hours_text(progress.total),
        "seconds": progress.total,
    }


def spot_checks(user, *, session=None, project=None):
    rows = visible(user, SpotCheck.objects.select_related("session__offline_class__project__provider", "recorded_by"))
    if session is not None:
        rows = rows.filter(session=session)
    if project is not None:
        rows = rows.filter(session__offline_class__project=project)
    return rows


def revisits(user, *, enrollment=None, project=None):
    rows = visible(
        user,
        Revisit.objects.select_related("enrollment__trainee", "enrollment__project__provider", "flag", "recorded_by"),
    )
    if enrollment is not None:
        rows = rows.filter(enrollment=enrollment)
    if project is not None:
        rows = rows.filter(enrollment__project=project)
    return rows


def checked_ids(draw: SampleDraw) -> tuple[set[int], set[int]]:
    """Which sampled sessions already have a spot check, and which sampled learners a revisit, of this draw."""
    sessions = set(SpotCheck.objects.filter(draw=draw).values_list("session_id", flat=True))
    learners = set(Revisit.objects.filter(draw=draw).values_list("enrollment_id", flat=True))
    return sessions, learners


def findings_summary(user) -> dict:
    return spot_checks(user).aggregate(total=Count("pk"), problems=Count("pk", filter=~Q(finding="none"))) | revisits(
        user
    ).aggregate(visits=Count("pk"), not_studied=Count("pk", filter=Q(finding="not_studied")))
