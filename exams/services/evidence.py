"""The append-only, hash-chained event record of an attempt (answers, face checks, focus losses, check-in,
submission). Each event carries the hash of the one before; submission seals the chain with its last hash.
PostgreSQL refuses UPDATE and DELETE of events (pgtrigger Protect); `evidence_verify` recomputes the chain, so a
row changed by raw SQL (or on a database without the trigger) is caught.
"""

from __future__ import annotations

from exams import rules
from exams.models import Attempt, AttemptEvent


def _stamp(at) -> str:
    return at.isoformat(timespec="microseconds")


def event_append(attempt: Attempt, kind: str, data: dict, at) -> AttemptEvent:
    """Append one event. The caller holds the attempt row locked and saves `event_count`/`last_hash` after."""
    seq = attempt.event_count + 1
    digest = rules.event_hash(prev_hash=attempt.last_hash, seq=seq, kind=kind, at=_stamp(at), data=data)
    event = AttemptEvent.objects.create(
        attempt=attempt, seq=seq, kind=kind, data=data, at=at, prev_hash=attempt.last_hash, hash=digest
    )
    attempt.event_count, attempt.last_hash = seq, digest
    return event


def evidence_verify(attempt: Attempt) -> list[str]:
    """Problems with the record ([] = intact): a changed, missing or re-ordered event, or a broken seal."""
    problems = []
    previous = ""
    expected_seq = 1
    for event in AttemptEvent.objects.filter(attempt=attempt).order_by("seq"):
        if event.seq != expected_seq:
            problems.append(f"事件序号不连续：缺少第{expected_seq}条")
            expected_seq = event.seq
        digest = rules.event_hash(
            prev_hash=previous, seq=event.seq, kind=event.kind, at=_stamp(event.at), data=event.data
        )
        if event.prev_hash != previous or event.hash != digest:
            problems.append(f"第{event.seq}条事件（{event.get_kind_display()}）与记录的哈希不符，已被改动")
        previous = event.hash
        expected_seq += 1
    attempt.refresh_from_db(fields=["seal_hash", "event_count"])
    if attempt.seal_hash and attempt.seal_hash != previous:
        problems.append("封存哈希与事件链末尾不符")
    if expected_seq - 1 != attempt.event_count:
        problems.append(f"事件数为{expected_seq - 1}，应为{attempt.event_count}")
    return problems
