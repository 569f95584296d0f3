"""Reads of the exam app: rules in force, the bank a paper draws from, eligibility, results."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from exams import rules
from exams.models import Attempt, AttemptStatus, ExamRuleSet, ExternalResult, Question, QuestionVersion
from training.models import Enrollment, EnrollmentStatus
from training.selectors.completion import progress_for_enrollments
from training.selectors.policy import in_force, region_chain


class NoExamRulesError(LookupError):
    pass


def exam_rules_in_force(region, on_date: datetime.date | None = None) -> ExamRuleSet:
    """The exam rules in force for the region on `on_date` (today by default): training.selectors.policy.in_force."""
    on_date = on_date or timezone.localdate()
    rule_set = in_force(ExamRuleSet.objects.all(), region, on_date)
    if rule_set is None:
        raise NoExamRulesError(f"没有在 {on_date:%Y-%m-%d} 生效的考试规则")
    return rule_set


def bank_questions(project) -> Q:
    """The questions a project's papers draw from: its provider's bank, the banks of its region and the regions
    above, and the national bank."""
    regions = [r.pk for r in region_chain(project.region)]
    return Q(provider=project.provider_id) | Q(region__in=regions) | Q(provider__isnull=True, region__isnull=True)


def bank_pool(project, personnel_class: int):
    """Current versions of active questions of the project's bank that apply to the class."""
    questions = Question.objects.filter(bank_questions(project), active=True).values("current_id")
    return QuestionVersion.objects.filter(pk__in=questions, classes__contains=str(personnel_class))


@dataclass
class Eligibility:
    enrollment: Enrollment
    reasons: list[str]
    attempts_used: int
    max_attempts: int
    rule_set: ExamRuleSet | None = None  # the exam rules in force the verdict was taken under

    @property
    def eligible(self) -> bool:
        return not self.reasons


def eligibility_for(enrollments, *, on_date=None) -> list[Eligibility]:
    """Eligibility of many enrollments: training complete (training's own completion selector), not yet passed,
    attempts left under the rules in force."""
    enrollments = list(enrollments)
    used: dict[int, int] = {}
    for enrollment_id in Attempt.objects.filter(enrollment__in=enrollments).values_list("enrollment_id", flat=True):
        used[enrollment_id] = used.get(enrollment_id, 0) + 1
    rules_by_region = {}
    result = []
    for progress in progress_for_enrollments(enrollments):
        e = progress.enrollment
        if e.project.region_id not in rules_by_region:
            rules_by_region[e.project.region_id] = exam_rules_in_force(e.project.region, on_date)
        rule_set = rules_by_region[e.project.region_id]
        reasons = rules.eligibility_reasons(
            withdrawn=e.status == EnrollmentStatus.WITHDRAWN,
            complete=progress.complete,
            progress_reasons=progress.reasons,
            passed=e.exam_passed_on is not None,
            attempts_used=used.get(e.pk, 0),
            max_attempts=rule_set.max_attempts,
        )
        result.append(Eligibility(e, reasons, used.get(e.pk, 0), rule_set.max_attempts, rule_set))
    return result


def eligibility(enrollment: Enrollment) -> Eligibility:
    enrollment = Enrollment.objects.select_related("trainee", "project__region").get(pk=enrollment.pk)
    return eligibility_for([enrollment])[0]


def roster_eligibility(project) -> list[Eligibility]:
    enrollments = (
        Enrollment.objects.filter(project=project)
        .select_related("trainee", "project__region")
        .order_by("trainee__id_number")
    )
    return eligibility_for(enrollments)


def open_attempt_for(enrollment) -> Attempt | None:
    return Attempt.objects.filter(enrollment=enrollment, status=AttemptStatus.OPEN).first()


def result_breakdown(attempt: Attempt) -> list[dict]:
    """Points per topic from the sealed submission event (what was graded), for the result page."""
    from exams.models import AttemptEvent, EventKind

    event = AttemptEvent.objects.filter(attempt=attempt, kind=EventKind.SUBMIT).first()
    by_topic = event.data.get("by_topic", {}) if event else {}
    return [
        {"topic": t, "got": got, "of": of, "percent": int(got * 100 / of) if of else 0}
        for t, (got, of) in sorted(by_topic.items())
    ]


def exam_outcome_counts(enrollments) -> tuple[int, int]:
    """Of `enrollments` (a queryset), how many sat an exam (a submitted attempt or an imported unified-exam result)
    and how many passed one: the pass rate behind a provider's or teacher's credit (oversight)."""
    submitted = Attempt.objects.filter(enrollment=OuterRef("pk"), status=AttemptStatus.SUBMITTED)
    external = ExternalResult.objects.filter(enrollment=OuterRef("pk"))
    people = Enrollment.objects.filter(pk__in=enrollments.values("pk"))
    sat = people.filter(Exists(submitted) | Exists(external)).count()
    passed = people.filter(Exists(submitted.filter(passed=True)) | Exists(external.filter(passed=True))).count()
    return sat, passed


def user_bank(user) -> dict | None:
    """The bank a user adds questions to: their provider's, their region's (an EM officer importing for the
    region), or for a superuser the national bank; None for anyone else."""
    if user.provider_id:
        return {"provider": user.provider, "region": None}
    if user.region_id and user.has_perm("exams.import_questions"):
        return {"provider": None, "region": user.region}
    if user.is_superuser:
        return {"provider": None, "region": None}
    return None


def site_staff_choices(user):
    """The accounts `user` may put on a sitting as exam-site staff: active accounts whose role may check candidates
    in, bound to the region of a project the user sees, a region above it, or (an officer) below the user's."""
    from training.models import Region, TrainingProject, User
    from training.roles import roles_with
    from training.scope import region_subtree, visible

    accounts = User.objects.filter(role__in=roles_with("exams.check_in"), is_active=True, is_superuser=False)
    if user.is_superuser:
        return accounts
    project_regions = visible(user, TrainingProject.objects.all()).values("region_id")
    regions = set()
    for region in Region.objects.filter(pk__in=project_regions).select_related("parent__parent"):
        regions |= {r.pk for r in region_chain(region)}
    near = Q(region__in=regions)
    if user.region_id:
        near |= Q(region__in=region_subtree(user.region))
    return accounts.filter(near)
