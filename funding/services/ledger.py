"""Posting to the append-only ledger: every entry is chained to the one before it under a lock on the head row."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from funding.models import LedgerEntry, LedgerHead
from funding.rules import entry_digest, fen_error

# The fields each entry's hash covers, in this order (verify_ledger reads the same list from the database).
HASHED = (
    "kind", "amount_fen", "idempotency_key", "region_id", "year", "provider_id", "project_id", "budget_id",
    "contract_id", "batch_id", "claim_id", "acceptance_id", "decision_number", "reverses_id", "created_at",
    "created_by_id",
)  # fmt: skip
_CREATED_AT = HASHED.index("created_at")


def _stamp(value: datetime.datetime) -> str:
    return value.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")


def hashed_fields(values: tuple) -> tuple:
    """The hashed fields of a row as read from the database (values_list in HASHED order)."""
    values = list(values)
    values[_CREATED_AT] = _stamp(values[_CREATED_AT])
    return tuple(values)


def _fields(entry: LedgerEntry) -> tuple:
    return hashed_fields(tuple(getattr(entry, name) for name in HASHED))


def _locked_head() -> LedgerHead:
    LedgerHead.objects.bulk_create([LedgerHead(pk=1)], ignore_conflicts=True)
    return LedgerHead.objects.select_for_update().get(pk=1)


@transaction.atomic
def ledger_post_many(entries: list[LedgerEntry]) -> list[LedgerEntry]:
    """Chain and insert entries (unsaved LedgerEntry objects) in one statement per 2,000 rows."""
    for entry in entries:
        error = fen_error(entry.amount_fen)
        if error or isinstance(entry.amount_fen, float) or not entry.amount_fen:
            raise ValidationError(error or "金额：必须大于0")
    head = _locked_head()
    now = timezone.now()
    previous = head.hash
    for entry in entries:
        entry.amount_fen = int(entry.amount_fen)
        entry.created_at = entry.created_at or now
        entry.prev_hash = previous
        entry.hash = previous = entry_digest(previous, _fields(entry))
    LedgerEntry.objects.bulk_create(entries, batch_size=2000)
    head.hash = previous
    head.count += len(entries)
    head.save(update_fields=["hash", "count"])
    return entries


def ledger_post(**fields) -> LedgerEntry:
    return ledger_post_many([LedgerEntry(**fields)])[0]


def ledger_post_one_by_one(entries: list[LedgerEntry]) -> None:
    """The plain way (one save() per entry), kept for the benchmark's comparison."""
    for entry in entries:
        with transaction.atomic():
            head = _locked_head()
            entry.created_at = entry.created_at or timezone.now()
            entry.prev_hash = head.hash
            entry.hash = entry_digest(head.hash, _fields(entry))
            entry.save()
            head.hash = entry.hash
            head.count += 1
            head.save(update_fields=["hash", "count"])
