"""Proctoring's part of every home page's "what to do now" (training/selectors/dashboard.py NEXT_STEPS):
a trainee's consent, face enrolment, next lesson and the flags that concern them; a reviewer's open flags."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from proctoring.models import AppealStatus, Flag, FlagStatus, ProxyRing, RingStatus
from proctoring.services.consent import current_consent
from proctoring.services.enrolment import template_for
from training.scope import binding_kind, visible
from training.selectors.dashboard import Step
from training.selectors.lessons import lesson_rows


def study_prerequisite(trainee) -> Step | None:
    """The step a trainee must finish before face-verified study (consent, then enrolment), as a link; None when
    both are done. The study page shows it beside its refusal ("请先完成人脸采集" → the enrolment page)."""
    consent = current_consent(trainee)
    if consent is None or consent.decision != "consent":
        return Step(order=10, label=_("阅读并签署人脸核验同意书（或选择线下学习）"), url=reverse("proctoring:consent"))
    if template_for(trainee) is None:
        return Step(order=20, label=_("采集人脸基准照片"), url=reverse("proctoring:enrol"))
    return None


def trainee_steps(user) -> list[Step]:
    if binding_kind(user) != "trainee":
        return []
    trainee = user.trainee
    flag_step = _flag_step(user)
    steps = [flag_step] if flag_step else []
    consent = current_consent(trainee)
    if consent is not None and consent.decision != "consent":
        # declined or withdrew: the offline path, verified in person (no face steps, no online lessons)
        return steps + [
            Step(order=15, label=_("您选择了线下学习：查看线下学习安排"), url=reverse("proctoring:alternative"))
        ]
    steps.append(
        Step(
            order=10,
            label=_("阅读并签署人脸核验同意书"),
            url=reverse("proctoring:consent"),
            done=consent is not None,
        )
    )
    steps.append(
        Step(
            order=20,
            label=_("采集人脸基准照片"),
            url=reverse("proctoring:enrol"),
            done=template_for(trainee) is not None,
        )
    )
    rows = lesson_rows(trainee)
    todo = next((row for row in rows if not row.completed), None)
    if todo is not None:
        steps.append(
            Step(
                order=30,
                label=_("继续在线学习《%(title)s》（已核验观看 %(percent)s%%）")
                % {"title": todo.lesson.title, "percent": todo.percent},
                url=reverse("proctoring:study", args=[todo.lesson.pk]),
            )
        )
    elif rows:
        steps.append(Step(order=30, label=_("在线课程已全部看完"), url=reverse("proctoring:study-list"), done=True))
    return steps


def _flag_step(user) -> Step | None:
    flags = Flag.objects.filter(enrollment__trainee_id=user.trainee_id)
    open_or_confirmed = flags.filter(
        status__in=[FlagStatus.OPEN, FlagStatus.CONFIRMED], appeal_status__in=[AppealStatus.NONE, AppealStatus.PENDING]
    )
    n = open_or_confirmed.count()
    if not n:
        return None
    return Step(
        order=1,
        label=_("有 %(n)s 条学习核验异常与您有关：查看详情；对确认的结果有异议可以申诉一次") % {"n": n},
        url=reverse("proctoring:my-flags"),
        count=n,
        alert=True,
    )


def reviewer_steps(user) -> list[Step]:
    if not user.has_perm("proctoring.review_flag"):
        return []
    flags = visible(user, Flag.objects.all())
    steps = []
    if n := flags.filter(status=FlagStatus.OPEN).count():
        steps.append(
            Step(
                order=10,
                label=_("待审核的学习异常"),
                url=reverse("proctoring:flag-list") + "?status=open",
                count=n,
                alert=True,
            )
        )
    if n := flags.filter(appeal_status=AppealStatus.PENDING).count():
        steps.append(
            Step(
                order=11,
                label=_("待处理的申诉"),
                url=reverse("proctoring:flag-list") + "?status=&appeal=pending",
                count=n,
            )
        )
    if n := visible(user, ProxyRing.objects.filter(status=RingStatus.OPEN)).count():
        steps.append(
            Step(
                order=12,
                label=_("待审核的代学团伙（跨账号同一人脸）"),
                url=reverse("proctoring:ring-list"),
                count=n,
                alert=True,
            )
        )
    return steps
