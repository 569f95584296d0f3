"""The append-only, hash-chained ledger of the fund: reservations, payments, reversals and claw-backs.

Each row carries the SHA-256 of (the previous row's hash, its own fields); `verify_ledger` walks the chain. On
PostgreSQL the database itself refuses UPDATE and DELETE (pgtrigger.Protect). A mistake is fixed by a reversal
that points at the entry it reverses; `reverses` is unique, so an entry is reversed at most once.
"""

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from training.scope import ScopePaths

GENESIS = "0" * 64


class EntryKind(models.TextChoices):
    RESERVATION = "reservation", _("预算预留")
    PAYMENT = "payment", _("支付")
    REVERSAL = "reversal", _("冲正")
    CLAWBACK = "clawback", _("追回（骗取基金）")


class LedgerEntry(models.Model):
    kind = models.CharField(_("类型"), max_length=12, choices=EntryKind.choices)
    amount_fen = models.BigIntegerField(_("金额（分）"))
    idempotency_key = models.CharField(_("幂等键"), max_length=120, unique=True)
    region = models.ForeignKey(
        "training.Region", verbose_name=_("统筹地区"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("预算年度"))
    provider = models.ForeignKey(
        "training.Provider", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    project = models.ForeignKey(
        "training.TrainingProject", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    budget = models.ForeignKey("funding.Budget", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    contract = models.ForeignKey(
        "funding.ContractTerms", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    batch = models.ForeignKey("funding.ClaimBatch", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    claim = models.ForeignKey("funding.Claim", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    acceptance = models.ForeignKey(
        "funding.Acceptance", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision_number = models.CharField(_("决定文号"), max_length=100, blank=True)
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by"
    )
    created_at = models.DateTimeField(_("记账时间"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    scope_paths = ScopePaths(region=("region",), provider=("provider",), project=("project",))

    class Meta:
        verbose_name = _("资金台账")
        verbose_name_plural = _("资金台账")
        ordering = ["pk"]
        indexes = [models.Index(fields=["region", "kind"]), models.Index(fields=["provider", "kind"])]
        constraints = [
            models.CheckConstraint(condition=Q(amount_fen__gt=0), name="ledger_amount_positive"),
            # Reversals and claw-backs point at what they reverse; nothing else does.
            models.CheckConstraint(
                condition=Q(kind__in=["reversal", "clawback"], reverses__isnull=False)
                | (~Q(kind__in=["reversal", "clawback"]) & Q(reverses__isnull=True)),
                name="ledger_reversal_points_back",
            ),
        ]
        triggers = [
            pgtrigger.Protect(name="ledger_append_only", operation=pgtrigger.Update | pgtrigger.Delete),
        ]

    def __str__(self):
        return f"#{self.pk} {self.get_kind_display()} {self.amount_fen}"


class LedgerHead(models.Model):
    """One row: the hash and size of the chain so far. Posting locks it (select_for_update), so entries are chained
    in one order even when posted concurrently."""

    hash = models.CharField(max_length=64, default=GENESIS)
    count = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="ledger_head_single_row")]

    def __str__(self):
        return self.hash
