"""Blueprints (what a paper of a personnel class holds) and the papers drawn from them."""

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from exams.models.bank import Difficulty, QuestionKind
from exams.models.policy import MultiScoring
from training.models import PersonnelClass
from training.scope import ScopePaths


class Blueprint(models.Model):
    project = models.ForeignKey(
        "training.TrainingProject", verbose_name=_("培训项目"), on_delete=models.PROTECT, related_name="blueprints"
    )
    personnel_class = models.PositiveSmallIntegerField(_("人员类别"), choices=PersonnelClass.choices)
    single_points = models.PositiveSmallIntegerField(_("单选每题分值"), default=1)
    multiple_points = models.PositiveSmallIntegerField(_("多选每题分值"), default=2)
    judge_points = models.PositiveSmallIntegerField(_("判断每题分值"), default=1)
    pass_mark = models.PositiveSmallIntegerField(_("合格分数线"), default=80)
    duration_minutes = models.PositiveSmallIntegerField(
        _("考试时长(分钟)"), default=120, validators=[MinValueValidator(1)]
    )
    multi_scoring = models.CharField(
        _("多选计分"), max_length=10, choices=MultiScoring.choices, default=MultiScoring.ALL_OR_NOTHING
    )
    show_answers_after_close = models.BooleanField(_("考试结束后可查看答案"), default=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    scope_paths = ScopePaths(region=("project__region",), provider=("project__provider",), project=("project",))

    class Meta:
        verbose_name = _("组卷方案")
        verbose_name_plural = _("组卷方案")
        constraints = [
            models.UniqueConstraint(fields=["project", "personnel_class"], name="blueprint_unique_per_class"),
        ]

    def __str__(self):
        return f"{self.project.code} {self.get_personnel_class_display()}"

    def points_for(self, kind: str) -> int:
        return {
            QuestionKind.SINGLE: self.single_points,
            QuestionKind.MULTIPLE: self.multiple_points,
            QuestionKind.JUDGE: self.judge_points,
        }[kind]


class BlueprintCell(models.Model):
    blueprint = models.ForeignKey(Blueprint, on_delete=models.CASCADE, related_name="cells")
    kind = models.CharField(_("题型"), max_length=10, choices=QuestionKind.choices)
    topic = models.CharField(_("知识点"), max_length=32)
    difficulty = models.CharField(_("难度"), max_length=8, choices=Difficulty.choices)
    count = models.PositiveSmallIntegerField(_("题数"))

    class Meta:
        verbose_name = _("组卷要求")
        verbose_name_plural = _("组卷要求")
        constraints = [
            models.UniqueConstraint(fields=["blueprint", "kind", "topic", "difficulty"], name="cell_unique"),
        ]

    def __str__(self):
        return f"{self.label()} ×{self.count}"

    def label(self) -> str:
        return f"{self.get_kind_display()}/{self.topic}/{self.get_difficulty_display()}"


class PaperItem(models.Model):
    """One question of an attempt's paper: the exact version drawn and the order its options were shown in."""

    attempt = models.ForeignKey("exams.Attempt", on_delete=models.PROTECT, related_name="items")
    position = models.PositiveSmallIntegerField(_("题号"))
    version = models.ForeignKey("exams.QuestionVersion", on_delete=models.PROTECT, related_name="+")
    option_order = models.CharField(_("选项顺序"), max_length=6, blank=True)  # "CADB": shown A = original C …
    points = models.PositiveSmallIntegerField(_("分值"))

    class Meta:
        verbose_name = _("试卷题目")
        verbose_name_plural = _("试卷题目")
        ordering = ["attempt", "position"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "position"], name="paperitem_unique_position"),
        ]

    def __str__(self):
        return f"{self.attempt_id}-{self.position}"
