"""Writes of video lessons and of each trainee's verified progress through them.

Rules (training/lesson_rules.py): seeking ahead of the furthest point watched is blocked; replays of watched parts
add no time. Proctoring decides which seconds were *verified* and calls `lesson_progress_record`; this service
makes sure the ledger only ever moves forward.
"""

from django.core.files.base import File
from django.db import transaction

from training.lesson_rules import lesson_complete
from training.models import Enrollment, Lesson, LessonProgress


@transaction.atomic
def lesson_create(*, course, title: str, video: File, duration_seconds: int, order: int = 1) -> Lesson:
    lesson = Lesson(course=course, title=title, duration_seconds=duration_seconds, order=order)
    lesson.video.save(video.name, video, save=False)
    lesson.full_clean()
    lesson.save()
    return lesson


def lesson_progress_for(*, enrollment: Enrollment, lesson: Lesson) -> LessonProgress:
    progress, _ = LessonProgress.objects.get_or_create(enrollment=enrollment, lesson=lesson)
    return progress


@transaction.atomic
def lesson_progress_record(
    *, enrollment: Enrollment, lesson: Lesson, reached_second: float
) -> tuple[LessonProgress, float]:
    """Move the verified furthest point to `reached_second`; returns the progress and the seconds it added.

    Only the part beyond the furthest point already recorded counts (replays add nothing); the row is locked so
    two checks arriving together cannot both count the same seconds.
    """
    lesson_progress_for(enrollment=enrollment, lesson=lesson)
    progress = LessonProgress.objects.select_for_update().get(enrollment=enrollment, lesson=lesson)
    reached = min(max(reached_second, 0.0), float(lesson.duration_seconds))
    gain = max(0.0, reached - progress.furthest_second)
    if gain:
        progress.furthest_second = reached
        progress.watched_seconds += gain
        progress.completed = lesson_complete(furthest=reached, duration=lesson.duration_seconds)
        progress.save(update_fields=["furthest_second", "watched_seconds", "completed", "updated_at"])
    return progress, gain
