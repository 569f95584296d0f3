"""The trainee's online lessons with their verified progress: one read for every page that shows it.

/study/ (the lesson list), /me/progress/ and the trainee's home all read `lesson_rows`, so a lesson can never be
"watched" on one page and at 0 % on another. Progress only advances through training.services.lessons
`lesson_progress_record`, which proctoring calls at passed face checks (the same call credits the hours).
"""

from __future__ import annotations

from dataclasses import dataclass

from training.models import Enrollment, EnrollmentStatus, Lesson, LessonProgress, Modality


@dataclass(frozen=True)
class LessonRow:
    lesson: Lesson
    enrollment_id: int
    furthest: float
    completed: bool

    @property
    def percent(self) -> int:
        if not self.lesson.duration_seconds:
            return 0
        return min(100, round(100 * self.furthest / self.lesson.duration_seconds))


def lesson_rows(trainee, enrollments=None) -> list[LessonRow]:
    """The online lessons of the trainee's active enrollments (documentary first), with verified progress."""
    if enrollments is None:
        enrollments = Enrollment.objects.filter(trainee=trainee, status=EnrollmentStatus.ACTIVE)
    enrollments = {e.project_id: e for e in enrollments}
    lessons = (
        Lesson.objects.filter(
            course__modality=Modality.ONLINE,
            course__plan__project_id__in=list(enrollments),
            course__plan__personnel_class=trainee.personnel_class,
        )
        .select_related("course__plan")
        .order_by("-course__is_documentary", "course__order", "order", "pk")
    )
    progress = {
        (p.enrollment_id, p.lesson_id): p
        for p in LessonProgress.objects.filter(
            enrollment_id__in=[e.pk for e in enrollments.values()], lesson__in=lessons
        )
    }
    rows = []
    for lesson in lessons:
        enrollment = enrollments[lesson.course.plan.project_id]
        p = progress.get((enrollment.pk, lesson.pk))
        rows.append(
            LessonRow(
                lesson=lesson,
                enrollment_id=enrollment.pk,
                furthest=p.furthest_second if p else 0.0,
                completed=bool(p and p.completed),
            )
        )
    return rows
