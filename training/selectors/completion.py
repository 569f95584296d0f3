"""Completion of a trainee's training: credited time against the plan and the rule set (SPEC 二(二)–(四)).

Everything here is in whole seconds (the ledger's unit): the plan's and the rule set's hours are turned into
seconds once (never fewer than they say), and pages show hours with the `seconds_as_hours` filter.

Complete = credited total ≥ the plan's total (at least the rule set's minimum), offline hours ≥ the rule set's
minimum share of it (or the plan's offline hours if more), practical hours likewise (team leaders), and the
documentary watched.
Hours attended beyond the plan never make a trainee less complete.
Each gap is explained with figures ("线下学时 12/14.4").
Online credits count at most the course's own hours, and only for courses of the plan of the trainee's own class
(a credit for another class's course, written before that was refused, never counts); voided credits never count.
The documentary counts as watched when its verified online hours reach the course's hours, or when every video
lesson of its course was watched to the end (lesson progress only advances at passed face checks): a set of clips
shorter than the course's nominal hours is still watched in full.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from training.models import (
    CreditedHours,
    CreditKind,
    Enrollment,
    Lesson,
    LessonProgress,
    Modality,
    PlanStatus,
    TrainingPlan,
)
from training.rules import (
    ClassRuleValues,
    documentary_error,
    hours_text,
    required_hours,
    seconds_from_hours,
)
from training.selectors.policy import class_rule_values, rule_set_in_force


@dataclass
class Progress:
    enrollment: Enrollment
    rule: ClassRuleValues
    plan: TrainingPlan | None
    # seconds
    online: int = 0
    offline_theory: int = 0
    offline_practical: int = 0
    required_total: int = 0
    required_offline: int = 0
    required_practical: int = 0
    documentary_watched: bool = False
    reasons: list[str] = field(default_factory=list)

    @property
    def offline(self) -> int:
        return self.offline_theory + self.offline_practical

    @property
    def total(self) -> int:
        return self.online + self.offline

    @property
    def complete(self) -> bool:
        return not self.reasons

    @property
    def percent(self) -> int:
        """How far along the total is, for a progress bar (0–100)."""
        if not self.required_total:
            return 0
        return min(100, self.total * 100 // self.required_total)


def _plans_for(enrollments) -> dict[tuple[int, int], TrainingPlan]:
    keys = {(e.project_id, e.trainee.personnel_class) for e in enrollments}
    plans = TrainingPlan.objects.filter(project_id__in={k[0] for k in keys}).select_related("rule_set")
    plans = plans.prefetch_related("courses", "rule_set__class_rules")
    return {(p.project_id, p.personnel_class): p for p in plans if (p.project_id, p.personnel_class) in keys}


def _requirements(progress: Progress) -> None:
    rule, plan = progress.rule, progress.plan
    courses = list(plan.courses.all()) if plan else []
    plan_offline = sum(c.hours for c in courses if c.modality != Modality.ONLINE)
    plan_practical = sum(c.hours for c in courses if c.modality == Modality.OFFLINE_PRACTICAL)
    total_hours = max(rule.min_total_hours, sum(c.hours for c in courses))
    # The rule's share of the total, or the plan's own offline/practical hours where the plan asks for more.
    offline_hours = max(required_hours(total_hours, rule.min_offline_percent), plan_offline)
    practical_hours = max(required_hours(total_hours, rule.min_practical_percent), plan_practical)
    progress.required_total = seconds_from_hours(total_hours)
    progress.required_offline = seconds_from_hours(offline_hours)
    progress.required_practical = seconds_from_hours(practical_hours)


def _explain(progress: Progress) -> None:
    rule, reasons = progress.rule, progress.reasons
    if progress.total < progress.required_total:
        reasons.append(
            _("总学时 %(got)s/%(need)s")
            % {"got": hours_text(progress.total), "need": hours_text(progress.required_total)}
        )
    if progress.offline < progress.required_offline:
        reasons.append(
            _("线下学时 %(got)s/%(need)s")
            % {"got": hours_text(progress.offline), "need": hours_text(progress.required_offline)}
        )
    if progress.offline_practical < progress.required_practical:
        reasons.append(
            _("实训学时 %(got)s/%(need)s")
            % {"got": hours_text(progress.offline_practical), "need": hours_text(progress.required_practical)}
        )
    if documentary_error(
        required=rule.documentary_required, included=progress.documentary_watched, title=rule.documentary_title
    ):
        reasons.append(_("尚未观看必学专题片《%(title)s》") % {"title": rule.documentary_title})


def progress_for_enrollments(enrollments) -> list[Progress]:
    """Progress of many enrollments with a fixed number of queries (class pages, reports)."""
    enrollments = list(enrollments)
    plans = _plans_for(enrollments)
    credits = defaultdict(list)
    rows = CreditedHours.objects.filter(enrollment__in=enrollments, voided_at__isnull=True)
    for row in rows:
        credits[row.enrollment_id].append(row)
    watched = _documentaries_watched(enrollments, plans)
    rule_sets: dict[int, object] = {}
    result = []
    for enrollment in enrollments:
        plan = plans.get((enrollment.project_id, enrollment.trainee.personnel_class))
        if plan is not None and plan.rule_set_id and plan.status != PlanStatus.DRAFT:
            rule_set = plan.rule_set
        else:
            region_id = enrollment.project.region_id
            if region_id not in rule_sets:
                rule_sets[region_id] = rule_set_in_force(enrollment.project.region)
            rule_set = rule_sets[region_id]
        progress = Progress(
            enrollment=enrollment, rule=class_rule_values(rule_set, enrollment.trainee.personnel_class), plan=plan
        )
        _requirements(progress)
        _add_credits(progress, credits[enrollment.pk], plan)
        progress.documentary_watched = progress.documentary_watched or watched.get(enrollment.pk, False)
        _explain(progress)
        result.append(progress)
    return result


def _add_credits(progress: Progress, rows: list[CreditedHours], plan: TrainingPlan | None) -> None:
    own_courses = {c.pk: c for c in plan.courses.all()} if plan else {}
    by_course: dict[int, int] = defaultdict(int)
    for row in rows:
        if row.kind == CreditKind.ONLINE and row.course_id:
            if row.course_id in own_courses:  # another class's (or project's) course never counts
                by_course[row.course_id] += row.seconds
        elif row.kind == CreditKind.ONLINE:
            progress.online += row.seconds
        elif row.kind == CreditKind.OFFLINE_PRACTICAL:
            progress.offline_practical += row.seconds
        else:
            progress.offline_theory += row.seconds
    for course_id, seconds in by_course.items():
        course = own_courses[course_id]
        course_seconds = seconds_from_hours(course.hours)
        progress.online += min(seconds, course_seconds)
        if course.is_documentary and seconds >= course_seconds:
            progress.documentary_watched = True


def _documentaries_watched(enrollments, plans) -> dict[int, bool]:
    """Per enrollment whose plan's documentary course has video lessons: were all of them watched to the end?"""
    lessons_by_course: dict[int, set[int]] = defaultdict(set)
    documentary_courses = [
        c.pk
        for plan in plans.values()
        for c in plan.courses.all()
        if c.is_documentary and c.modality == Modality.ONLINE
    ]
    for lesson_id, course_id in Lesson.objects.filter(course_id__in=documentary_courses).values_list(
        "pk", "course_id"
    ):
        lessons_by_course[course_id].add(lesson_id)
    if not lessons_by_course:
        return {}
    completed: dict[int, set[int]] = defaultdict(set)
    done = LessonProgress.objects.filter(
        enrollment__in=enrollments, completed=True, lesson__course_id__in=lessons_by_course
    )
    for enrollment_id, lesson_id in done.values_list("enrollment_id", "lesson_id"):
        completed[enrollment_id].add(lesson_id)
    result = {}
    for enrollment in enrollments:
        plan = plans.get((enrollment.project_id, enrollment.trainee.personnel_class))
        courses = [c.pk for c in plan.courses.all() if c.pk in lessons_by_course] if plan else []
        if courses:
            result[enrollment.pk] = all(lessons_by_course[c] <= completed[enrollment.pk] for c in courses)
    return result


def enrollment_progress(enrollment: Enrollment) -> Progress:
    """Totals by kind, documentary watched, complete or not, and why not ("线下学时 12/14.4")."""
    enrollment = Enrollment.objects.select_related("trainee", "project__region").get(pk=enrollment.pk)
    return progress_for_enrollments([enrollment])[0]


COMPLETION_CHUNK = 2000


def completed_enrollment_ids(enrollments) -> set[int]:
    """Bulk form of `enrollment_progress(...).complete` for dashboards: the ids of the enrollments of the queryset
    `enrollments` whose training is complete, by the same rule. A rule set always asks for some hours
    (min_total_hours > 0), so only enrollments with credited hours are evaluated, in chunks of a fixed number of
    queries each."""
    candidates = (
        enrollments.filter(credited_hours__voided_at__isnull=True)
        .distinct()
        .select_related("trainee", "project__region")
        .order_by("pk")
    )
    done: set[int] = set()
    last = 0
    while True:
        chunk = list(candidates.filter(pk__gt=last)[:COMPLETION_CHUNK])
        if not chunk:
            return done
        done.update(p.enrollment.pk for p in progress_for_enrollments(chunk) if p.complete)
        last = chunk[-1].pk
