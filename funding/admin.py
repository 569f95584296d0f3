"""Back office of the fund: every table scoped (training/scope.py) and read only. Money moves only through
funding/services: the workflow steps that make sense here are actions calling the same services as the pages
(review, approve, reject a line, record the online tender, decide a fraud case); budgets, contract terms and
acceptance are recorded on the pages. The ledger is append-only: no add, change, delete or action at all (and on
PostgreSQL the database refuses UPDATE and DELETE anyway)."""

from decimal import Decimal

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from funding.models import (
    Acceptance,
    BatchEvent,
    Budget,
    Claim,
    ClaimBatch,
    ContractPrice,
    ContractTerms,
    FraudCase,
    FundRule,
    LedgerEntry,
)
from funding.rules import yuan
from funding.services.budgets import online_tender_record
from funding.services.claims import batch_approve, batch_review, claim_reject
from funding.services.clawback import fraud_case_decide
from training.admin.actions import reason_action
from training.admin.scoped import ScopedAdminMixin


class ReadOnly:
    """Nothing is added, changed or deleted through the admin: every field, status included, is read only."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class FundAdmin(ReadOnly, ScopedAdminMixin, admin.ModelAdmin):
    pass


class ReadOnlyInline(ReadOnly, admin.TabularInline):
    extra = 0
    can_delete = False


def _yuan(field: str, label):
    def column(obj):
        return yuan(getattr(obj, field) or 0)

    column.short_description = label
    column.admin_order_field = field
    return column


@admin.register(FundRule)
class FundRuleAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Rules are history: a new rule is a new row with its effective date; a row in force is never edited."""

    list_display = ["region", "effective_from", "max_share_bp", "fine_min_times", "fine_max_times",
                    "cost_benchmark_fen_per_hour", "source"]  # fmt: skip
    list_filter = ["effective_from"]
    search_fields = ["region__name", "region__code", "source"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Budget)
class BudgetAdmin(FundAdmin):
    list_display = ["region", "year", _yuan("contribution_income_fen", _("上年度征缴收入（元）")), "share_bp",
                    _yuan("cap_fen", _("预算上限（元）")), _yuan("reserved_fen", _("已预留（元）")),
                    "approval_number", "approval_date", "recorded_by", "recorded_at"]  # fmt: skip
    list_filter = ["year"]
    search_fields = ["region__name", "region__code", "approval_number"]


class ContractPriceInline(ReadOnlyInline):
    model = ContractPrice


def _tender(terms, request, document):
    return online_tender_record(terms=terms, document=document, by=request.user)


@admin.register(ContractTerms)
class ContractTermsAdmin(FundAdmin):
    list_display = [
        "contract",
        "budget",
        _yuan("amount_fen", _("合同金额（元）")),
        _yuan("paid_fen", _("已支付（元）")),
        "advance_bp",
        "acceptance_bp",
        "online_tendered",
        "low_price",
        "low_price_acknowledged_by",
        "status",
    ]
    list_filter = ["status", "low_price", "online_tendered", "budget__year"]
    search_fields = ["contract__number", "contract__project__code", "contract__project__name"]
    inlines = [ContractPriceInline]
    actions = [
        reason_action(
            name="record_tender",
            description=_("登记线上培训招标采购"),
            perform=_tender,
            done=_("已登记"),
            prompt=_("请在“理由”中填写招标采购文件（文号或名称）。登记后线上培训费用可予支付。"),
            permissions=("manage_terms",),
        )  # fmt: skip
    ]

    def has_manage_terms_permission(self, request):
        return request.user.has_perm("funding.manage_contract_terms")


@admin.register(Acceptance)
class AcceptanceAdmin(FundAdmin):
    list_display = ["terms", "kind", "accepted_on", "document", "recorded_by", "recorded_at"]
    list_filter = ["kind", "accepted_on"]
    search_fields = ["document", "terms__contract__number", "terms__contract__project__code"]


class BatchEventInline(ReadOnlyInline):
    model = BatchEvent
    fields = ["at", "by", "from_status", "to_status", "claim", "reason"]
    readonly_fields = fields


@admin.register(ClaimBatch)
class ClaimBatchAdmin(FundAdmin):
    list_display = ["__str__", "terms", "provider", "status", "submitted_by", "submitted_at", "reviewed_by",
                    "approved_by", "paid_by", _yuan("paid_fen", _("支付金额（元）"))]  # fmt: skip
    list_filter = ["status", ("provider", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["terms__contract__project__code", "provider__name", "payment_key"]
    inlines = [BatchEventInline]
    actions = [
        reason_action(
            name="review", description=_("审核通过，报经办机构审批"),
            perform=lambda batch, request, reason: batch_review(batch=batch, by=request.user, reason=reason),
            done=_("已审核"), prompt=_("请填写审核意见（可留空）。"), permissions=("review",),
        ),
        reason_action(
            name="approve", description=_("审批同意"),
            perform=lambda batch, request, reason: batch_approve(batch=batch, by=request.user, reason=reason),
            done=_("已审批"), prompt=_("请填写审批意见（可留空）。提交人或审核人不能审批同一批次。"),
            permissions=("approve",),
        ),
    ]  # fmt: skip

    def has_review_permission(self, request):
        return request.user.has_perm("funding.review_batch")

    def has_approve_permission(self, request):
        return request.user.has_perm("funding.approve_batch")


@admin.register(Claim)
class ClaimAdmin(FundAdmin):
    list_display = ["batch", "trainee", "personnel_class", _yuan("amount_fen", _("金额（元）")), "status",
                    "rejected_reason"]  # fmt: skip
    list_filter = ["status", "personnel_class"]
    search_fields = ["trainee__name", "trainee__id_number"]
    actions = [
        reason_action(
            name="reject", description=_("驳回申领明细"),
            perform=lambda claim, request, reason: claim_reject(claim=claim, by=request.user, reason=reason),
            done=_("已驳回"), prompt=_("请填写驳回原因（必填）。"), permissions=("review",),
        )
    ]  # fmt: skip

    def has_review_permission(self, request):
        return request.user.has_perm("funding.review_batch")


@admin.register(LedgerEntry)
class LedgerEntryAdmin(FundAdmin):
    """Append-only: no actions (not even delete_selected), no add, change or delete."""

    actions = None
    list_display = ["pk", "kind", _yuan("amount_fen", _("金额（元）")), "region", "year", "provider", "project",
                    "batch", "claim", "reverses", "decision_number", "created_at", "short_hash"]  # fmt: skip
    list_filter = ["kind", "year"]
    search_fields = ["idempotency_key", "decision_number", "hash", "project__code", "provider__name"]

    @admin.display(description=_("哈希"))
    def short_hash(self, obj):
        return obj.hash[:12]


class DecisionForm(forms.Form):
    fine_times = forms.DecimalField(
        label=_("罚款倍数（2至5倍）"), max_digits=3, decimal_places=1, min_value=Decimal(0)
    )
    decision_number = forms.CharField(label=_("处理决定文号"), max_length=100)


@admin.action(description=_("作出处理决定（追回、罚款、解除合同）"), permissions=["decide"])
def decide(modeladmin, request, queryset):
    """An intermediate page asking for the fine and the decision number, then fraud_case_decide for each case."""
    form = DecisionForm(request.POST if "apply" in request.POST else None)
    if "apply" in request.POST and form.is_valid():
        for case in queryset:
            try:
                fraud_case_decide(case=case, by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                modeladmin.message_user(request, f"{case}：{'；'.join(exc.messages)}", messages.ERROR)
            else:
                modeladmin.message_user(request, f"{case}：{_('已作出处理决定')}", messages.SUCCESS)
        return None
    context = {
        **modeladmin.admin_site.each_context(request), "title": _("骗取基金处理决定"), "form": form,
        "prompt": _("依社会保险法第八十七条：退回骗取金额，处骗取金额二倍以上五倍以下罚款，解除服务协议。"),
        "queryset": queryset, "action": "decide", "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "opts": modeladmin.model._meta,
    }  # fmt: skip
    return TemplateResponse(request, "admin/reason_action.html", context)


@admin.register(FraudCase)
class FraudCaseAdmin(FundAdmin):
    list_display = [
        "__str__",
        "provider",
        _yuan("amount_fen", _("骗取金额（元）")),
        _yuan("fine_fen", _("罚款（元）")),
        "decision_number",
        "decided_by",
        "decided_at",
        "opened_at",
    ]
    list_filter = [("provider", admin.RelatedOnlyFieldListFilter), "decided_at"]
    search_fields = ["decision_number", "provider__name", "claim__trainee__name"]
    actions = [decide]

    def has_decide_permission(self, request):
        return request.user.has_perm("funding.decide_fraud")
