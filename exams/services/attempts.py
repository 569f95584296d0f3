"""Starting, answering and submitting an attempt.

Rules enforced here for every door (pages, bench, Celery):
- only an eligible trainee starts (training complete by training's completion selector, attempts left under the
  rules in force, not yet passed), inside the sitting's window, under a row lock on the enrollment;
- an online sitting opens only after a passed face check; an exam-site sitting only after check-in;
- every answer is saved on the server at once; answers after the deadline plus grace, to an item not on the
  paper, to another candidate's attempt or from a tab that was taken over are refused, logged, and change nothing;
- the server owns the clock; the attempt keeps the rules it began with;
- submission grades, seals the evidence and, on a pass, marks the enrolment passed and issues the certificate.
"""

from __future__ import annotations

import logging
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from exams import rules
from exams.models import (
    Answer,
    Attempt,
    AttemptStatus,
    Blueprint,
    CheckIn,
    EventKind,
    PaperItem,
    Sitting,
    SittingMode,
)
from exams.selectors import eligibility_for
from exams.services.evidence import event_append
from exams.services.papers import new_seed, paper_draw
from training.models import Enrollment

log = logging.getLogger("exams.refused")


class ExamRefused(ValidationError):
    """A request the exam refuses; the message is for the candidate. Logged, and nothing is changed."""


def _refuse(message: str, **context) -> ExamRefused:
    log.warning("%s %s", message, context)
    return ExamRefused(message)


def _grace() -> float:
    return float(settings.EXAM_GRACE_SECONDS)


def start_error(*, enrollment: Enrollment, sitting: Sitting, now=None, face_passed: bool = False) -> str | None:
    """Why `enrollment` may not start (or resume) an attempt in `sitting` now; None = it may."""
    now = now or timezone.now()
    if enrollment.project_id != sitting.project_id:
        return _("该考试场次不属于您的培训项目")
    if not sitting.opens_at <= now < sitting.closes_at:
        opens, closes = timezone.localtime(sitting.opens_at), timezone.localtime(sitting.closes_at)
        return _("考试场次开放时间为 %(opens)s 至 %(closes)s") % {
            "opens": f"{opens:%Y-%m-%d %H:%M}",
            "closes": f"{closes:%Y-%m-%d %H:%M}",
        }
    if (
        sitting.mode == SittingMode.SITE
        and not CheckIn.objects.filter(sitting=sitting, enrollment=enrollment).exists()
    ):
        return _("请先在考点签到（出示身份证）后再开考")
    if sitting.mode == SittingMode.ONLINE and not face_passed:
        return _("线上考试须先通过人脸核验")
    return None


def _new_token() -> str:
    return secrets.token_hex(16)


def _schedule_deadline(attempt: Attempt) -> None:
    """The server submits an attempt still open at its deadline: a task with eta (the beat sweep backs it up).
    Eager mode (the embedded demo) has no worker to wait; the sweep runs on page visits there."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return
    from exams.tasks import submit_at_deadline

    submit_at_deadline.apply_async((attempt.pk,), eta=attempt.deadline)


@transaction.atomic
def attempt_start(*, enrollment: Enrollment, sitting: Sitting, face_passed: bool = False, now=None) -> Attempt:
    """Open the candidate's attempt, or take over the one already open (a new tab token: the old tab stops)."""
    now = now or timezone.now()
    # The region and the regions above it come with the row (the rules in force and the bank walk that chain):
    # a thousand candidates start within seconds, and every query is paid a thousand times.
    enrollment = (
        Enrollment.objects.select_for_update(of=("self",))
        .select_related("trainee", "project__region__parent__parent")
        .get(pk=enrollment.pk)
    )
    open_attempt = Attempt.objects.select_for_update().filter(enrollment=enrollment, status=AttemptStatus.OPEN).first()
    if open_attempt is not None:
        return attempt_takeover(attempt=open_attempt, now=now)
    error = start_error(enrollment=enrollment, sitting=sitting, now=now, face_passed=face_passed)
    if error:
        raise _refuse(error, enrollment=enrollment.pk, sitting=sitting.pk)
    verdict = eligibility_for([enrollment], on_date=timezone.localdate(now))[0]
    if not verdict.eligible:
        raise _refuse(
            _("不能开考：%(reasons)s") % {"reasons": _("；").join(verdict.reasons)}, enrollment=enrollment.pk
        )
    blueprint = Blueprint.objects.filter(
        project_id=sitting.project_id, personnel_class=enrollment.trainee.personnel_class
    ).first()
    if blueprint is None:
        raise _refuse(_("本项目尚未设置该人员类别的组卷方案，请联系培训机构"), enrollment=enrollment.pk)
    blueprint.project = enrollment.project  # the same project (start_error checked it), its regions loaded
    rule_set = verdict.rule_set  # the exam rules in force today, for the project's region
    attempt = Attempt.objects.create(
        sitting=sitting,
        enrollment=enrollment,
        number=verdict.attempts_used + 1,
        rule_set=rule_set,
        blueprint=blueprint,
        pass_mark=blueprint.pass_mark,
        total_points=rule_set.total_points,
        multi_scoring=blueprint.multi_scoring,
        seed=new_seed(),
        started_at=now,
        deadline=rules.deadline_for(
            started_at=now, duration_minutes=blueprint.duration_minutes, closes_at=sitting.closes_at
        ),
        tab_token=_new_token(),
        face_passed_at=now if face_passed else None,
    )
    items = paper_draw(attempt=attempt)
    event_append(
        attempt,
        EventKind.START,
        {
            "seed": attempt.seed,
            "items": [i.version_id for i in items],
            "deadline": attempt.deadline.isoformat(),
            "face": face_passed,
        },
        now,
    )
    if face_passed:
        event_append(attempt, EventKind.FACE, {"passed": True, "at_start": True}, now)
    attempt.save(update_fields=["event_count", "last_hash"])
    transaction.on_commit(lambda: _schedule_deadline(attempt))
    return attempt


def attempt_takeover(*, attempt: Attempt, now=None) -> Attempt:
    """A second tab or device takes over: a new token, so the first tab's requests are refused from now on."""
    now = now or timezone.now()
    with transaction.atomic():
        attempt = Attempt.objects.select_for_update().get(pk=attempt.pk)
        attempt.tab_token = _new_token()
        event_append(attempt, EventKind.TAKEOVER, {}, now)
        attempt.save(update_fields=["tab_token", "event_count", "last_hash"])
    return attempt


def _locked_attempt(*, attempt_id: int, trainee_id: int | None, tab_token: str, now) -> Attempt:
    attempt = Attempt.objects.select_for_update().select_related("enrollment").filter(pk=attempt_id).first()
    if attempt is None or attempt.enrollment.trainee_id != trainee_id:
        raise _refuse(_("这不是您的考试"), attempt=attempt_id, trainee=trainee_id)
    if attempt.status != AttemptStatus.OPEN:
        raise _refuse(_("已交卷，答案未保存"), attempt=attempt_id)
    error = rules.answer_time_error(now=now, deadline=attempt.deadline, grace_seconds=_grace())
    if error:
        raise _refuse(error, attempt=attempt_id)
    if not secrets.compare_digest(attempt.tab_token, tab_token or ""):
        raise _refuse(_("考试已在另一个页面或设备上打开，本页面已停止作答"), attempt=attempt_id)
    return attempt


def _value_error(item: PaperItem, value: str) -> str | None:
    kind = item.version.kind
    if value == "":
        return None
    if kind == "judge":
        return None if value in (rules.JUDGE_TRUE, rules.JUDGE_FALSE) else _("判断题只能答“对”或“错”")
    letters = rules.OPTION_LETTERS[: len(item.option_order)]
    if any(ch not in letters for ch in value) or len(set(value)) != len(value):
        return _("答案只能是选项 %(letters)s 中的字母") % {"letters": letters}
    if kind == "single" and len(value) != 1:
        return _("单选题只能选一个选项")
    return None


@transaction.atomic
def answer_save(
    *, attempt_id: int, trainee_id: int | None, item_id: int, value: str, tab_token: str, now=None
) -> Answer:
    """Save one answer the moment it changes (the latest value per item; every change is an event)."""
    now = now or timezone.now()
    attempt = _locked_attempt(attempt_id=attempt_id, trainee_id=trainee_id, tab_token=tab_token, now=now)
    item = PaperItem.objects.select_related("version").filter(pk=item_id, attempt=attempt).first()
    if item is None:
        raise _refuse(_("该题不在您的试卷上"), attempt=attempt_id, item=item_id)
    value = (
        "".join(sorted(set((value or "").strip().upper())))
        if item.version.kind != "judge"
        else (value or "").strip().upper()
    )
    error = _value_error(item, value)
    if error:
        raise _refuse(error, attempt=attempt_id, item=item_id)
    # One statement (insert, or update the item's row): the attempt row is locked, so nobody races us here.
    answer = Answer(attempt=attempt, item=item, value=value, saved_at=now)
    Answer.objects.bulk_create(
        [answer], update_conflicts=True, unique_fields=["attempt", "item"], update_fields=["value", "saved_at"]
    )
    event_append(attempt, EventKind.ANSWER, {"item": item.pk, "position": item.position, "value": value}, now)
    attempt.save(update_fields=["event_count", "last_hash"])
    return answer


def attempt_state(attempt: Attempt, *, now=None) -> dict:
    """What the page needs to resume exactly where the candidate was: the server's remaining time and answers."""
    now = now or timezone.now()
    answers = dict(attempt.answers.values_list("item_id", "value"))
    return {
        "attempt": attempt.pk,
        "status": attempt.status,
        "remaining": rules.remaining_seconds(now=now, deadline=attempt.deadline) if attempt.is_open else 0,
        "deadline": attempt.deadline.isoformat(),
        "answers": {str(k): v for k, v in answers.items()},
    }
