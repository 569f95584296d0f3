"""The fund's pages for providers, HR and the social insurance agency: thin doors over funding's services."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from funding.models import BatchStatus, ClaimBatch, ClaimStatus, ContractTerms
from funding.rules import yuan
from funding.selectors import claimability, payment_block
from funding.services import claims as services
from training.scope import visible


def _errors(request, exc: ValidationError):
    for message in exc.messages:
        messages.error(request, message)


def _terms(request, pk):
    return get_object_or_404(
        visible(request.user, ContractTerms.objects.select_related("contract__project__provider", "budget")), pk=pk
    )


def _batch(request, pk):
    return get_object_or_404(
        visible(request.user, ClaimBatch.objects.select_related("terms__contract__project")), pk=pk
    )


@login_required
def fund_home(request):
    if not any(request.user.has_perm(f"funding.view_{m}") for m in ("claimbatch", "contractterms", "budget")):
        raise PermissionDenied
    terms = visible(request.user, ContractTerms.objects.select_related("contract__project", "budget__region"))
    batches = visible(request.user, ClaimBatch.objects.select_related("terms__contract__project", "provider"))[:50]
    return render(request, "funding/home.html", {"terms": terms, "batches": batches})


@login_required
def claimable_list(request, pk):
    """Each trainee of the contract's project: claimable or, if not, exactly why; the provider submits a batch."""
    terms = _terms(request, pk)
    rows = claimability(terms.contract.project)
    if request.method == "POST":
        try:
            batch = services.batch_submit(
                terms=terms, enrollment_ids=request.POST.getlist("enrollment"), by=request.user
            )
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, f"已提交申领批次 #{batch.pk}，等待人社部门审核")
            return redirect("funding:batch-detail", batch.pk)
    claimable = [r for r in rows if r.claimable]
    context = {"terms": terms, "rows": rows, "n_claimable": len(claimable),
               "total": yuan(sum(r.amount_fen for r in claimable))}  # fmt: skip
    return render(request, "funding/claimable.html", context)


@login_required
def batch_detail(request, pk):
    batch = _batch(request, pk)
    lines = batch.claims.select_related("trainee").order_by("pk")
    due = sum(c.amount_fen for c in lines if c.status == ClaimStatus.SUBMITTED)
    context = {
        "batch": batch, "lines": lines, "events": batch.events.select_related("by"), "due_fen": due, "due": yuan(due),
        "payment_key": uuid.uuid4().hex, "can_reject": batch.status == BatchStatus.SUBMITTED,
        "payment_blocked": payment_block(batch.terms, due) if batch.status == BatchStatus.APPROVED else None,
    }  # fmt: skip
    return render(request, "funding/batch_detail.html", context)


@login_required
@require_POST
def batch_action(request, pk, action):
    batch = _batch(request, pk)
    reason = request.POST.get("reason", "")
    try:
        if action == "reject-line":
            claim = get_object_or_404(batch.claims, pk=request.POST.get("claim"))
            services.claim_reject(claim=claim, by=request.user, reason=reason)
        elif action == "review":
            services.batch_review(batch=batch, by=request.user, reason=reason)
        elif action == "approve":
            services.batch_approve(batch=batch, by=request.user, reason=reason)
        elif action == "pay":
            amount = request.POST.get("amount_fen", "")
            services.batch_pay(
                batch=batch, by=request.user, idempotency_key=request.POST.get("idempotency_key", ""),
                amount_fen=int(amount) if amount.isdigit() else amount,
            )  # fmt: skip
        else:
            raise PermissionDenied
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, "已记录")
    return redirect("funding:batch-detail", batch.pk)
