"""Reads of the credit system (信用体系): the weights in force, the figures behind a provider's or a teacher's score
(read through each app's selectors), and the scored lists with their trend, scoped."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from exams.selectors import exam_outcome_counts
from oversight.models import Complaint, CreditScore, CreditWeights, ProviderSanction, Revisit, SpotCheck
from proctoring.selectors.study import confirmed_flag_enrollment_count
from training.models import Enrollment, Provider, Teacher
from training.scope import visible


def weights_in_force(on_date: datetime.date | None = None) -> CreditWeights:
    """The weights row with the latest effective date on or before `on_date` (today)."""
    on_date = on_date or timezone.localdate()
    weights = CreditWeights.objects.filter(effective_from__lte=on_date).order_by("-effective_from").first()
    if weights is None:
        raise LookupError(f"没有{on_date:%Y-%m-%d}生效的信用评分权重（oversight.CreditWeights）")
    return weights


def _figures(enrollments, checks, revisits, complaints) -> dict[str, int]:
    sat, passed = exam_outcome_counts(enrollments)
    check_counts = checks.aggregate(
        checks=Count("pk"),
        minor=Count("pk", filter=Q(finding="minor")),
        serious=Count("pk", filter=Q(finding="serious")),
    )
    revisit_counts = revisits.aggregate(
        reached=Count("pk", filter=Q(reached=True)), not_studied=Count("pk", filter=Q(finding="not_studied"))
    )
    return {
        "sat": sat,
        "passed": passed,
        "enrolled": enrollments.count(),
        "flagged": confirmed_flag_enrollment_count(enrollments),
        **check_counts,
        **revisit_counts,
        "complaints": complaints.filter(substantiated=True).count(),
    }


def provider_figures(provider: Provider) -> dict[str, int]:
    return _figures(
        Enrollment.objects.filter(project__provider=provider),
        SpotCheck.objects.filter(session__offline_class__project__provider=provider),
        Revisit.objects.filter(enrollment__project__provider=provider),
        Complaint.objects.filter(provider=provider),
    )


def teacher_figures(teacher: Teacher) -> dict[str, int]:
    """A teacher answers for the classes they taught: the people of those classes, the spot checks of their own
    sessions, the revisits of those people, and the complaints naming them."""
    taught = Enrollment.objects.filter(
        pk__in=Enrollment.objects.filter(offline_class__sessions__teacher=teacher).values("pk")
    )
    return _figures(
        taught,
        SpotCheck.objects.filter(session__teacher=teacher),
        Revisit.objects.filter(enrollment__in=taught.values("pk")),
        Complaint.objects.filter(teacher=teacher),
    )


def latest_score(*, provider=None, teacher=None) -> CreditScore | None:
    rows = CreditScore.objects.filter(provider=provider) if provider else CreditScore.objects.filter(teacher=teacher)
    return rows.order_by("-computed_at", "-pk").first()


@dataclass
class Scored:
    subject: object
    latest: CreditScore | None
    history: list[CreditScore]

    @property
    def trend(self) -> list[str]:
        """The last scores, oldest first (for the list's trend column)."""
        return [str(s.score) for s in reversed(self.history)]


def _scored(subjects, field: str, limit: int = 6) -> list[Scored]:
    ids = [s.pk for s in subjects]
    by_subject: dict[int, list[CreditScore]] = {}
    for row in CreditScore.objects.filter(**{f"{field}__in": ids}).order_by("-computed_at", "-pk"):
        by_subject.setdefault(getattr(row, f"{field}_id"), []).append(row)
    out = []
    for subject in subjects:
        history = by_subject.get(subject.pk, [])
        out.append(Scored(subject=subject, latest=history[0] if history else None, history=history[:limit]))
    return sorted(out, key=lambda s: (s.latest is None, s.latest.score if s.latest else 0, str(s.subject)))


def provider_credit_list(user) -> list[Scored]:
    """Providers in the user's scope with their latest score and trend, lowest score first."""
    return _scored(list(visible(user, Provider.objects.all())), "provider")


def teacher_credit_list(user, provider=None) -> list[Scored]:
    teachers = visible(user, Teacher.objects.select_related("provider"))
    if provider is not None:
        teachers = teachers.filter(provider=provider)
    return _scored(list(teachers), "teacher")


def score_history(*, provider=None, teacher=None):
    rows = CreditScore.objects.filter(provider=provider) if provider else CreditScore.objects.filter(teacher=teacher)
    return rows.select_related("weights").order_by("-computed_at", "-pk")


def complaints(user, provider=None):
    rows = visible(user, Complaint.objects.select_related("provider", "teacher", "recorded_by"))
    return rows.filter(provider=provider) if provider is not None else rows


def sanctions(user, provider=None):
    rows = visible(user, ProviderSanction.objects.select_related("provider", "decided_by"))
    return rows.filter(provider=provider) if provider is not None else rows
