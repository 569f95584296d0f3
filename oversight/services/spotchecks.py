"""Writes of spot checks and revisits (随机抽查, 培训回访: SPEC 三(三)), by third-party auditors in the projects
assigned to them (training.scope; permissions in oversight.roles).

- a random draw stores its seed, sizes and the ids drawn; `sample_redraw` repeats it from the seed;
- a spot check stores the head count beside the attendance the provider recorded at that moment;
- a revisit that finds the person did not attend or study opens a flag in proctoring's review, naming the
  credited hours at stake (proctoring.services.flags.flag_raise_revisit).
Evidence is a JPEG or PNG photo, checked from its header by proctoring.faces.image_error (bytes and pixels)."""

from __future__ import annotations

import datetime
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from oversight.models import Revisit, RevisitFinding, SampleDraw, SpotCheck
from oversight.rules import spotchecks as rules
from oversight.selectors import spotchecks as selectors
from proctoring.faces import image_error, max_image_bytes
from proctoring.services.flags import flag_raise_revisit
from training.rules import hours_from_seconds
from training.scope import is_visible


def _allowed(user, perm: str, obj, what: str) -> None:
    if not user.has_perm(perm) or not is_visible(user, obj):
        raise PermissionDenied(_("无权%(what)s：不在您负责的项目范围内") % {"what": what})


def evidence_error(upload) -> str | None:
    """Why an evidence file is refused (too big, too many pixels, not a JPEG/PNG), or None; nothing decoded."""
    if upload is None:
        return None
    if upload.size > max_image_bytes():
        return _("证据照片过大（%(size)d字节，上限%(max)d字节）") % {"size": upload.size, "max": max_image_bytes()}
    data = upload.read()
    upload.seek(0)
    return image_error(data)


def _check_evidence(upload) -> None:
    reason = evidence_error(upload)
    if reason:
        raise ValidationError({"evidence": reason})


@transaction.atomic
def sample_draw(
    *, project, user, seed: int | None = None, session_size: int | None = None, learner_size: int | None = None
) -> SampleDraw:
    """Draw `session_size` held offline sessions and `learner_size` learners of `project` at random (sizes from
    settings unless given), store the seed and the ids. The same seed over the same population draws the same."""
    _allowed(user, "oversight.draw_sample", project, _("抽取抽查对象"))
    default_sessions, default_learners = selectors.sample_sizes()
    session_size = default_sessions if session_size is None else session_size
    learner_size = default_learners if learner_size is None else learner_size
    errors = [
        e
        for e in (
            rules.sample_size_error(session_size, what=_("班次")),
            rules.sample_size_error(learner_size, what=_("学员")),
        )
        if e
    ]
    if errors:
        raise ValidationError(errors)
    seed = secrets.randbits(rules.SEED_BITS) if seed is None else seed
    now = timezone.now()
    sessions = selectors.session_population(project, held_by=timezone.localdate(now))
    learners = selectors.learner_population(project)
    return SampleDraw.objects.create(
        project=project,
        seed=seed,
        session_size=session_size,
        learner_size=learner_size,
        session_max_id=max(sessions, default=0),
        enrollment_max_id=max(learners, default=0),
        session_ids=rules.draw_ids(seed=seed, population=sessions, size=session_size),
        enrollment_ids=rules.draw_ids(seed=seed, population=learners, size=learner_size),
        drawn_by=user,
        drawn_at=now,
    )


def sample_redraw(draw: SampleDraw) -> tuple[list[int], list[int]]:
    """Repeat a draw from its stored seed over the population as it stood then: anyone may verify that the
    sample was not picked by hand. Returns (session ids, enrolment ids)."""
    held_by = timezone.localdate(draw.drawn_at)
    sessions = selectors.session_population(draw.project, held_by=held_by, max_id=draw.session_max_id)
    learners = selectors.learner_population(draw.project, max_id=draw.enrollment_max_id)
    return (
        rules.draw_ids(seed=draw.seed, population=sessions, size=draw.session_size),
        rules.draw_ids(seed=draw.seed, population=learners, size=draw.learner_size),
    )


@transaction.atomic
def spot_check_record(
    *,
    session,
    user,
    checked_on: datetime.date,
    present: int,
    absent: int,
    finding: str,
    notes: str = "",
    evidence=None,
    draw: SampleDraw | None = None,
) -> SpotCheck:
    """Record the head count at a session against the attendance recorded for it (kept beside it as it stands
    now), with the findings and the evidence."""
    _allowed(user, "oversight.add_spotcheck", session, _("记录抽查"))
    _check_evidence(evidence)
    recorded, roster = selectors.attendance_figures(session)
    errors = rules.head_count_errors(present=present, absent=absent, roster_size=roster)
    if finding != "none" and not notes.strip():
        errors.append(_("发现问题时请写明问题"))
    if errors:
        raise ValidationError(errors)
    check = SpotCheck(
        session=session,
        draw=draw,
        checked_on=checked_on,
        present=present,
        absent=absent,
        recorded_present=recorded,
        roster_size=roster,
        finding=finding,
        notes=notes.strip(),
        recorded_by=user,
    )
    if evidence is not None:
        check.evidence = evidence
    check.full_clean()
    check.save()
    return check


def _flag_note(revisit: Revisit, hours: dict) -> str:
    return _(
        "培训回访（%(date)s，%(method)s）发现未参训学习：%(answers)s。涉及已认定学时%(total)s学时"
        "（线上%(online)s，线下%(offline)s）"
    ) % {
        "date": f"{revisit.revisited_on:%Y-%m-%d}",
        "method": revisit.get_method_display(),
        "answers": revisit.answers,
        "total": hours["total"],
        "online": hours["online"],
        "offline": hours["offline"],
    }


@transaction.atomic
def revisit_record(
    *,
    enrollment,
    user,
    method: str,
    revisited_on: datetime.date,
    reached: bool,
    attended: bool | None,
    studied: bool | None,
    answers: str,
    evidence=None,
    draw: SampleDraw | None = None,
) -> Revisit:
    """Record a follow-up call or visit. "Did not study" opens a flag in proctoring's review with the hours at
    stake (the enrolment's credited hours now), and the revisit keeps the flag."""
    _allowed(user, "oversight.add_revisit", enrollment, _("记录回访"))
    _check_evidence(evidence)
    errors = rules.revisit_answer_errors(reached=reached, attended=attended, studied=studied)
    if not answers.strip():
        errors.append(_("请记录回访问答内容"))
    if errors:
        raise ValidationError(errors)
    hours = selectors.credited_hours(enrollment)
    revisit = Revisit(
        enrollment=enrollment,
        draw=draw,
        method=method,
        revisited_on=revisited_on,
        reached=reached,
        attended=attended if reached else None,
        studied=studied if reached else None,
        answers=answers.strip(),
        finding=rules.revisit_finding(reached=reached, attended=attended, studied=studied),
        hours_at_stake=hours_from_seconds(hours["seconds"]),
        recorded_by=user,
    )
    if evidence is not None:
        revisit.evidence = evidence
    revisit.full_clean()
    revisit.save()
    if revisit.finding == RevisitFinding.NOT_STUDIED:
        revisit.flag = flag_raise_revisit(
            enrollment_id=enrollment.pk, revisit_ref=f"revisit:{revisit.pk}", note=_flag_note(revisit, hours)
        )
        revisit.save(update_fields=["flag"])
    return revisit
