"""Pages of the credit system (信用体系): providers with their score and trend, a provider's or teacher's history
with the reasons of each change, and HR's complaints, warnings, suspensions and removals. Thin: reads through
oversight.selectors.credit, writes through oversight.services.credit; scoped."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from oversight.forms import ComplaintForm, SanctionForm
from oversight.models import SanctionAction
from oversight.rules.credit import PARTS, part_labels
from oversight.selectors import credit as selectors
from oversight.services import credit as services
from training.models import Provider, Teacher
from training.scope import visible


def _errors(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _parts(score) -> list[dict]:
    if score is None:
        return []
    labels = part_labels()
    return [{"label": labels[p], **score.components[p]} for p in PARTS]


@permission_required("oversight.view_credit", raise_exception=True)
def credit_list(request):
    context = {
        "providers": selectors.provider_credit_list(request.user),
        "teachers": selectors.teacher_credit_list(request.user),
        "can_recalculate": request.user.has_perm("oversight.sanction_provider"),
    }
    return render(request, "oversight/credit_list.html", context)


@require_POST
@permission_required("oversight.sanction_provider", raise_exception=True)
def credit_recalculate(request):
    """HR recalculates the providers and teachers in their scope now (the nightly task does all of them)."""
    providers = visible(request.user, Provider.objects.all()).order_by("pk")
    teachers = visible(request.user, Teacher.objects.all()).order_by("pk")
    added = services.credit_recalculate(providers=providers, teachers=teachers)
    messages.success(request, _("已重新计算信用分，%(n)d个评分有变化") % {"n": len(added)})
    return redirect("oversight:credit")


def _provider(request, pk) -> Provider:
    return get_object_or_404(visible(request.user, Provider.objects.all()), pk=pk)


@permission_required("oversight.view_credit", raise_exception=True)
def credit_provider(request, pk):
    provider = _provider(request, pk)
    history = list(selectors.score_history(provider=provider))
    teachers = list(provider.teachers.order_by("name"))
    context = {
        "provider": provider,
        "history": history,
        "parts": _parts(history[0] if history else None),
        "teachers": selectors.teacher_credit_list(request.user, provider=provider),
        "complaints": selectors.complaints(request.user, provider),
        "sanctions": selectors.sanctions(request.user, provider),
        "complaint_form": ComplaintForm(teachers=teachers, initial={"received_on": timezone.localdate()}),
        "sanction_form": SanctionForm(initial={"action": SanctionAction.WARN}),
        "can_complain": request.user.has_perm("oversight.add_complaint"),
        "can_sanction": request.user.has_perm("oversight.sanction_provider"),
    }
    return render(request, "oversight/credit_provider.html", context)


@permission_required("oversight.view_credit", raise_exception=True)
def credit_teacher(request, pk):
    teacher = get_object_or_404(visible(request.user, Teacher.objects.select_related("provider")), pk=pk)
    history = list(selectors.score_history(teacher=teacher))
    context = {"teacher": teacher, "history": history, "parts": _parts(history[0] if history else None)}
    return render(request, "oversight/credit_teacher.html", context)


@require_POST
@permission_required("oversight.add_complaint", raise_exception=True)
def complaint_add(request, pk):
    provider = _provider(request, pk)
    teachers = list(provider.teachers.all())
    form = ComplaintForm(request.POST, teachers=teachers)
    if not form.is_valid():
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, e)
        return redirect("oversight:credit-provider", pk=provider.pk)
    data = form.cleaned_data
    teacher = next((t for t in teachers if t.pk == data["teacher"]), None)
    try:
        services.complaint_record(
            provider=provider,
            user=request.user,
            received_on=data["received_on"],
            summary=data["summary"],
            substantiated=data["substantiated"],
            teacher=teacher,
        )
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("已登记投诉；重新计算信用分后计入"))
    return redirect("oversight:credit-provider", pk=provider.pk)


@require_POST
@permission_required("oversight.sanction_provider", raise_exception=True)
def sanction_add(request, pk):
    provider = _provider(request, pk)
    form = SanctionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, e)
        return redirect("oversight:credit-provider", pk=provider.pk)
    try:
        sanction = services.provider_sanction(provider=provider, user=request.user, **form.cleaned_data)
    except PermissionDenied:
        raise
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(
            request,
            _("已对%(name)s作出处理：%(action)s") % {"name": provider.name, "action": sanction.get_action_display()},
        )
    return redirect("oversight:credit-provider", pk=provider.pk)
