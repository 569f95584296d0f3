"""The review of a proxy ring (one face under several accounts across a province, found by proctoring.rings).

The ring is a lead, not a verdict on each account: one of the accounts may be the face's real owner. So the
province's reviewer decides in two steps, both recorded with who, when and why:

* dismiss the ring (twins, an enrolment photo uploaded to the wrong account and since replaced, ...): closed with
  its reason, and the nightly job does not reopen it for the same members;
* confirm it: every enrolment of every member gets an open proxy flag naming the ring and the nearest other
  member. Those flags go through the ordinary review (flag_review: confirm or dismiss per account, the trainee's
  appeal, the hooks that revoke certificates and claw back fund money), and while they are open no member can be
  claimed for or certified.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from proctoring.models import Flag, FlagKind, FlagStatus, ProxyRing, RingStatus
from proctoring.services.flags import can_review
from training.scope import is_visible


def _nearest_other(ring: ProxyRing) -> dict[int, tuple[int, float]]:
    """For each member, the other member closest to them among the ring's links: (trainee id, distance)."""
    nearest: dict[int, tuple[int, float]] = {}
    for link in ring.links:
        for me, other in ((link["a"], link["b"]), (link["b"], link["a"])):
            if me not in nearest or link["distance"] < nearest[me][1]:
                nearest[me] = (other, link["distance"])
    return nearest


def _raise_member_flags(ring: ProxyRing) -> list[Flag]:
    from training.models import Enrollment

    nearest = _nearest_other(ring)
    members = [m["trainee"] for m in ring.members]
    already = set(
        Flag.objects.filter(ring=ring, kind=FlagKind.PROXY, status=FlagStatus.OPEN).values_list(
            "enrollment_id", flat=True
        )
    )
    flags = []
    for enrollment in Enrollment.objects.filter(trainee_id__in=members).order_by("pk"):
        if enrollment.pk in already:
            continue
        matched, distance = nearest.get(enrollment.trainee_id, (None, None))
        flags.append(
            Flag.objects.create(
                kind=FlagKind.PROXY,
                enrollment=enrollment,
                ring=ring,
                matched_trainee_id=matched,
                matched_distance=distance,
                note=f"代学团伙 #{ring.pk}：{len(members)} 个账号同一人脸（{ring.province}）",
            )
        )
    return flags


@transaction.atomic
def ring_review(*, ring: ProxyRing, reviewer, confirm: bool, reason: str) -> tuple[ProxyRing, list[Flag]]:
    """Confirm (one open proxy flag per member enrolment) or dismiss an open ring, with a reason. Only a reviewer
    who sees the ring (bound to its province) may decide; a decided ring is not decided again."""
    if not can_review(reviewer) or not is_visible(reviewer, ring):
        raise PermissionDenied("代学团伙审核：无权审核该记录")
    ring = ProxyRing.objects.select_for_update().get(pk=ring.pk)
    if ring.status != RingStatus.OPEN:
        raise ValidationError("代学团伙审核：该记录已审核")
    if not reason.strip():
        raise ValidationError({"review_reason": "审核理由：必须填写"})
    ring.status = RingStatus.CONFIRMED if confirm else RingStatus.DISMISSED
    ring.reviewer = reviewer
    ring.reviewed_at = timezone.now()
    ring.review_reason = reason.strip()
    ring.save(update_fields=["status", "reviewer", "reviewed_at", "review_reason", "seen_at"])
    flags = _raise_member_flags(ring) if confirm else []
    return ring, flags
