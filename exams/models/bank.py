"""The question bank: questions with versions, tagged with personnel classes, topic (知识点) and difficulty.

A Question is the identity; each edit adds a QuestionVersion and moves `current` to it. Papers point at versions,
so editing a question never changes a paper that was already drawn.
A bank belongs to a provider, a region (imported by an EM officer), or to nobody (the national bank).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from training.scope import ScopePaths


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("单选")
    MULTIPLE = "multiple", _("多选")
    JUDGE = "judge", _("判断")


class Difficulty(models.TextChoices):
    EASY = "easy", _("易")
    MEDIUM = "medium", _("中")
    HARD = "hard", _("难")


# The topics the issue names; a bank may bring others (any non-empty label is a topic).
KNOWN_TOPICS = ("法律法规", "工伤预防基础", "危险化工工艺安全", "重大危险源管理", "应急处置", "职业健康")
OPTION_LETTERS = "ABCDEF"


class Question(models.Model):
    provider = models.ForeignKey(
        "training.Provider",
        verbose_name=_("培训机构题库"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="questions",
    )
    region = models.ForeignKey(
        "training.Region",
        verbose_name=_("地区题库"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="questions",
    )
    current = models.OneToOneField(
        "exams.QuestionVersion",
        verbose_name=_("当前版本"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    scope_paths = ScopePaths(region=("region",), provider=("provider",))

    class Meta:
        verbose_name = _("试题")
        verbose_name_plural = _("试题")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(provider__isnull=False, region__isnull=False),
                name="question_one_bank",
                violation_error_message=_("试题只能属于一个题库"),
            )
        ]

    def __str__(self):
        return self.current.stem[:40] if self.current_id else f"#{self.pk}"


class QuestionVersion(models.Model):
    question = models.ForeignKey(Question, verbose_name=_("试题"), on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("版本号"))
    kind = models.CharField(_("题型"), max_length=10, choices=QuestionKind.choices)
    stem = models.TextField(_("题干"))
    options = models.JSONField(_("选项"), default=list, blank=True)  # ["…", "…"]: A, B, … in order
    answer = models.CharField(_("答案"), max_length=6)  # letters "B" / "ACD"; judge: "T" or "F"
    topic = models.CharField(_("知识点"), max_length=32)
    difficulty = models.CharField(_("难度"), max_length=8, choices=Difficulty.choices)
    classes = models.CharField(_("适用人员类别"), max_length=3)  # e.g. "123", "2"
    explanation = models.TextField(_("解析"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("试题版本")
        verbose_name_plural = _("试题版本")
        constraints = [
            models.UniqueConstraint(fields=["question", "number"], name="questionversion_unique_number"),
        ]
        indexes = [models.Index(fields=["kind", "topic", "difficulty"])]

    def __str__(self):
        return f"{self.stem[:30]} v{self.number}"
