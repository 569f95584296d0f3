"""Writes of video lessons and of each trainee's verified progress through them.

Rules (training/lesson_rules.py): a trainee studies, and is credited for, only lessons of the plan of their own
personnel class in their active enrolment; seeking ahead of the furthest point watched is blocked; replays of
watched parts add no time. Proctoring decides which seconds were *verified* (a passed face check) and calls
`lesson_study_credit`; this service makes sure the progress only ever moves forward and that every verified
second reaches the hours ledger (in whole seconds: a fraction waits in `LessonProgress.ledger_seconds` for the next
credit of the same lesson, and a finished lesson has all of its seconds in the ledger).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import transaction

from training.lesson_rules import lesson_complete
from training.models import CreditedHours, Enrollment, Lesson, LessonProgress
from training.services.completion import completion_refresh
from training.services.hours import course_enrollment_error, hours_credit_online


@transaction.atomic
def lesson_create(*, course, title: str, video: File, duration_seconds: int, order: int = 1) -> Lesson:
    lesson = Lesson(course=course, title=title, duration_seconds=duration_seconds, order=order)
    lesson.video.save(video.name, video, save=False)
    lesson.full_clean()
    lesson.save()
    return lesson


def lesson_enrollment_check(*, enrollment: Enrollment, lesson: Lesson) -> str | None:
    """Why this enrolment may not study (or be credited for) this lesson, or None (training.lesson_rules)."""
    return course_enrollment_error(enrollment=enrollment, course=lesson.course)


def lesson_progress_for(*, enrollment: Enrollment, lesson: Lesson) -> LessonProgress:
    progress, _ = LessonProgress.objects.get_or_create(enrollment=enrollment, lesson=lesson)
    return progress


@transaction.atomic
def lesson_progress_record(
    *, enrollment: Enrollment, lesson: Lesson, reached_second: float
) -> tuple[LessonProgress, float]:
    """Move the verified furthest point to `reached_second`; returns the progress and the seconds it added.

    Only the part beyond the furthest point already recorded counts (replays add nothing); the row is locked so
    two checks arriving together cannot both count the same seconds. Refused for a lesson outside the plan of the
    trainee's class in their active enrolment.
    """
    error = lesson_enrollment_check(enrollment=enrollment, lesson=lesson)
    if error:
        raise ValidationError(error)
    lesson_progress_for(enrollment=enrollment, lesson=lesson)
    progress = LessonProgress.objects.select_for_update().get(enrollment=enrollment, lesson=lesson)
    reached = min(max(reached_second, 0.0), float(lesson.duration_seconds))
    gain = max(0.0, reached - progress.furthest_second)
    if gain:
        progress.furthest_second = reached
        progress.watched_seconds += gain
        was_completed = progress.completed
        progress.completed = lesson_complete(furthest=reached, duration=lesson.duration_seconds)
        progress.save(update_fields=["furthest_second", "watched_seconds", "completed", "updated_at"])
        if progress.completed and not was_completed:  # a documentary watched to its end may complete training
            completion_refresh(enrollment_ids=[enrollment.pk])
    return progress, gain


@dataclass(frozen=True)
class LessonCredit:
    progress: LessonProgress
    gain: float  # verified seconds this call added to the lesson (fractions included)
    row: CreditedHours | None  # the ledger row written (whole seconds), or None when less than a second is due


@transaction.atomic
def lesson_study_credit(*, enrollment: Enrollment, lesson: Lesson, reached_second: float, source: str) -> LessonCredit:
    """Record verified watching up to `reached_second` and write the whole seconds now due to the hours ledger.

    The ledger takes integer seconds: what the lesson's verified watching adds up to, minus what was already
    written for it. A fraction of a second waits for the next credit of the lesson; at the lesson's end (an integer
    duration) nothing is left behind, so rounding never loses verified time.
    """
    progress, gain = lesson_progress_record(enrollment=enrollment, lesson=lesson, reached_second=reached_second)
    due = math.floor(progress.watched_seconds + 1e-6) - progress.ledger_seconds
    row = None
    if due > 0:
        row = hours_credit_online(enrollment=enrollment, course=lesson.course, seconds=due, source=source)
        progress.ledger_seconds += due
        progress.save(update_fields=["ledger_seconds", "updated_at"])
    return LessonCredit(progress=progress, gain=gain, row=row)
