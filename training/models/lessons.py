from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from training.scope import ENROLLMENT_PATHS, ScopePaths


class Lesson(models.Model):
    """One video lesson of an online course, in order (the documentary 《生命重于泰山》 is one)."""

    course = models.ForeignKey(
        "training.Course", verbose_name=_("课程"), on_delete=models.CASCADE, related_name="lessons"
    )
    title = models.CharField(_("课时名称"), max_length=200)
    video = models.FileField(_("视频文件"), upload_to="lessons/")
    duration_seconds = models.PositiveIntegerField(_("时长（秒）"), validators=[MinValueValidator(1)])
    order = models.PositiveSmallIntegerField(_("顺序"), default=1)

    scope_paths = ScopePaths(
        region=("course__plan__project__region",),
        park=("course__plan__project__park",),
        provider=("course__plan__project__provider",),
        project=("course__plan__project",),
        trainee=("course__plan__project__enrollments__trainee",),
    )

    class Meta:
        verbose_name = _("视频课时")
        verbose_name_plural = _("视频课时")
        ordering = ["course", "order", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(duration_seconds__gt=0), name="lesson_duration_positive"),
        ]

    def __str__(self):
        return self.title


class LessonProgress(models.Model):
    """How far a trainee got in a lesson, counting only verified watching (see training/lesson_rules.py)."""

    enrollment = models.ForeignKey(
        "training.Enrollment", verbose_name=_("项目学员"), on_delete=models.CASCADE, related_name="lesson_progress"
    )
    lesson = models.ForeignKey(Lesson, verbose_name=_("课时"), on_delete=models.CASCADE, related_name="progress")
    furthest_second = models.FloatField(_("最远观看位置（秒）"), default=0)
    watched_seconds = models.FloatField(_("有效观看时长（秒）"), default=0)
    completed = models.BooleanField(_("已看完"), default=False)
    # Whole seconds of this watching already written to the hours ledger (CreditedHours takes integer seconds):
    # the fraction beyond it waits for the next credit of the lesson (training.services.lessons).
    ledger_seconds = models.PositiveIntegerField(_("已记入台账（秒）"), default=0)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    scope_paths = ENROLLMENT_PATHS.through("enrollment")

    class Meta:
        verbose_name = _("课时进度")
        verbose_name_plural = _("课时进度")
        constraints = [
            models.UniqueConstraint(fields=["enrollment", "lesson"], name="lesson_progress_unique"),
            models.CheckConstraint(
                condition=models.Q(furthest_second__gte=0) & models.Q(watched_seconds__gte=0),
                name="lesson_progress_non_negative",
            ),
        ]

    def __str__(self):
        return f"{self.enrollment} · {self.lesson}"
