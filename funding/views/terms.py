"""Pages for the steps before any claim: HR records the yearly budget of a pooling area and the fund terms of a
service contract (its signing reserves against the budget); the third party or the experts record acceptance (验收).
Thin doors over funding/services/budgets.py: a refusal is shown on the form with the service's own figures."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from funding.forms import AcceptanceForm, BudgetForm, TenderForm, TermsForm
from funding.models import Acceptance, ContractTerms
from funding.rules import BP, yuan
from funding.selectors import budget_for, budgets_in_scope, payment_block
from funding.services import budgets as services
from training.models import Region, RegionLevel, ServiceContract
from training.scope import visible


def _require(request, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise PermissionDenied


@login_required
def budget_list(request):
    """Budgets in scope with used / reserved / left; HR records or corrects the budget of a year."""
    _require(request, "funding.view_budget")
    user = request.user
    regions = visible(user, Region.objects.filter(level__lte=RegionLevel.CITY)).order_by("code")
    form = BudgetForm(request.POST or None, regions=regions)
    if request.method == "POST":
        _require(request, "funding.manage_budget")
        code = request.POST.get("region", "")
        region = get_object_or_404(visible(user, Region.objects.all()), code=code) if code else None
        if form.is_valid():
            d = form.cleaned_data
            try:
                budget = services.budget_set(
                    region=region, year=d["year"], contribution_income_fen=d["contribution_income"],
                    share_bp=d["share_percent"], approval_number=d["approval_number"],
                    approval_date=d["approval_date"], by=user,
                )  # fmt: skip
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                text = _(
                    "已登记%(area)s %(year)s 年度预算：上年度征缴收入 %(income)s 元 × %(share)s%% = 上限 %(cap)s 元"
                )
                messages.success(request, text % {
                    "area": budget.region, "year": budget.year, "income": yuan(budget.contribution_income_fen),
                    "share": f"{budget.share_bp / 100:g}", "cap": yuan(budget.cap_fen),
                })  # fmt: skip
                return redirect("funding:budgets")
    context = {"form": form, "rows": budgets_in_scope(user), "can_record": user.has_perm("funding.manage_budget")}
    return render(request, "funding/budgets.html", context)


@login_required
def contract_list(request):
    """Every service contract in scope with its fund terms, acceptance and the next step for each."""
    _require(request, "funding.view_contractterms")
    contracts = (
        visible(request.user, ServiceContract.objects.all())
        .select_related("project__region", "project__provider", "fund_terms__acceptance")
        .order_by("-project__year", "project__code")
    )
    rows = [(c, getattr(c, "fund_terms", None)) for c in contracts]
    return render(request, "funding/contracts.html", {"rows": rows})


def _prices_for_display(terms):
    return [
        {"p": p, "per_hour": yuan(int(p.fee_fen / p.hours)) if p.hours else "—"}
        for p in terms.prices.order_by("personnel_class")
    ]


@login_required
def terms_page(request, pk):
    """The fund terms of one service contract: entered here by HR (the reservation against the budget follows), or
    shown once entered, with the tender record and the acceptance status."""
    _require(request, "funding.view_contractterms")
    contract = get_object_or_404(
        visible(request.user, ServiceContract.objects.select_related("project__region", "project__provider")), pk=pk
    )
    terms = ContractTerms.objects.filter(contract=contract).select_related("budget__region").first()
    if terms is not None:
        return _terms_detail(request, contract, terms)
    project = contract.project
    form = TermsForm(request.POST or None, contract=contract)
    warnings = []
    if request.method == "POST":
        _require(request, "funding.manage_contract_terms")
        if form.is_valid():
            d = form.cleaned_data
            warnings = services.low_price_warnings(
                region=project.region, prices=form.prices(), on_date=contract.signed_at
            )
            try:
                terms = services.contract_terms_enter(
                    contract=contract, prices=form.prices(), advance_bp=d["advance_bp"], by=request.user,
                    acknowledge_low_price=d["acknowledge_low_price"],
                    online_tender_document=d["online_tender_document"],
                )  # fmt: skip
            except ValidationError as exc:
                if not (warnings and not d["acknowledge_low_price"]):  # else the warning box below says it once
                    form.add_error(None, exc)
            else:
                text = _("已登记合同资金条款：合同金额 %(amount)s 元已在 %(budget)s 年度预算中预留")
                messages.success(request, text % {"amount": yuan(terms.amount_fen), "budget": terms.budget})
                return redirect("funding:terms", contract.pk)
    budget = budget_for(project.region, project.year)
    context = {
        "contract": contract, "form": form, "warnings": warnings, "budget": budget,
        "can_enter": request.user.has_perm("funding.manage_contract_terms"),
    }  # fmt: skip
    return render(request, "funding/terms_form.html", context)


def _terms_detail(request, contract, terms):
    tender_form = TenderForm(request.POST or None)
    if request.method == "POST":
        _require(request, "funding.manage_contract_terms")
        if tender_form.is_valid():
            try:
                services.online_tender_record(
                    terms=terms, document=tender_form.cleaned_data["document"], by=request.user
                )
            except ValidationError as exc:
                tender_form.add_error(None, exc)
            else:
                messages.success(request, _("已登记线上培训招标采购，线上培训费用可予支付"))
                return redirect("funding:terms", contract.pk)
    acceptance = Acceptance.objects.filter(terms=terms).select_related("recorded_by").first()
    context = {
        "contract": contract, "terms": terms, "prices": _prices_for_display(terms), "acceptance": acceptance,
        "tender_form": tender_form, "advance_cap": terms.amount_fen * terms.advance_bp // BP,
        "final_block": payment_block(terms, terms.amount_fen - terms.paid_fen) if terms.paid_fen < terms.amount_fen
        else None,
    }  # fmt: skip
    return render(request, "funding/terms_detail.html", context)


@login_required
def acceptance_page(request, pk):
    """验收 of the project by the third party or the experts: its date and document, recorded once. Without it the
    final payment (beyond the advance share) is refused; the page says how much is blocked."""
    _require(request, "funding.view_contractterms")
    terms = get_object_or_404(
        visible(request.user, ContractTerms.objects.select_related("contract__project__provider", "budget")), pk=pk
    )
    acceptance = Acceptance.objects.filter(terms=terms).select_related("recorded_by").first()
    form = AcceptanceForm(request.POST or None)
    if request.method == "POST":
        _require(request, "funding.record_acceptance")
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.acceptance_record(
                    terms=terms, kind=d["kind"], accepted_on=d["accepted_on"], document=d["document"], by=request.user
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("已登记项目验收，尾款可按批次审批后支付"))
                return redirect("funding:acceptance", terms.pk)
    remaining = terms.amount_fen - terms.paid_fen
    context = {
        "terms": terms, "acceptance": acceptance, "form": form,
        "advance_cap": terms.amount_fen * terms.advance_bp // BP,
        "final_block": payment_block(terms, remaining) if remaining > 0 else None,
        "can_record": request.user.has_perm("funding.record_acceptance"),
    }  # fmt: skip
    return render(request, "funding/acceptance.html", context)
