"""Oversight's records in the admin: read-only, scoped lists (spot checks, revisits, draws, complaints, scores,
sanctions); they are written through the pages and oversight.services. Credit weights are data with an effective
date: a new row may be added (it takes effect on its date), none is edited, so past scores keep their weights."""

from django.contrib import admin

from oversight.models import (
    Complaint,
    CreditScore,
    CreditWeights,
    ProviderSanction,
    Revisit,
    SampleDraw,
    SpotCheck,
)
from training.admin.classes import ReadOnlyAdminMixin
from training.admin.scoped import ScopedAdminMixin


class _ReadOnly(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    pass


@admin.register(SampleDraw)
class SampleDrawAdmin(_ReadOnly):
    list_display = ["project", "drawn_at", "drawn_by", "seed", "session_size", "learner_size"]
    list_select_related = ["project", "drawn_by"]


@admin.register(SpotCheck)
class SpotCheckAdmin(_ReadOnly):
    list_display = ["session", "checked_on", "present", "absent", "recorded_present", "finding", "recorded_by"]
    list_filter = ["finding"]
    list_select_related = ["session__offline_class", "recorded_by"]


@admin.register(Revisit)
class RevisitAdmin(_ReadOnly):
    list_display = ["enrollment", "revisited_on", "method", "finding", "hours_at_stake", "flag", "recorded_by"]
    list_filter = ["finding", "method"]
    list_select_related = ["enrollment__trainee", "enrollment__project", "recorded_by"]


@admin.register(Complaint)
class ComplaintAdmin(_ReadOnly):
    list_display = ["provider", "teacher", "received_on", "substantiated", "recorded_by"]
    list_filter = ["substantiated"]


@admin.register(CreditScore)
class CreditScoreAdmin(_ReadOnly):
    list_display = ["provider", "teacher", "score", "previous", "computed_at"]


@admin.register(ProviderSanction)
class ProviderSanctionAdmin(_ReadOnly):
    list_display = ["provider", "action", "reason", "decided_by", "decided_at"]
    list_filter = ["action"]


@admin.register(CreditWeights)
class CreditWeightsAdmin(admin.ModelAdmin):
    list_display = ["effective_from", "pass_rate", "flag_rate", "spot_checks", "revisits", "complaints", "note"]

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False
