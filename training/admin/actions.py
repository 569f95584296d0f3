"""Admin actions that take a workflow step through its service, one selected row at a time.

The admin never edits a status field: each step is an action that calls the service the pages call, so the
same rules, permissions and records apply (a refusal is shown with the service's own message).
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _


def _run(modeladmin, request, queryset, perform, done: str) -> None:
    succeeded = 0
    for obj in queryset:
        try:
            perform(obj, request)
            succeeded += 1
        except (ValidationError, PermissionDenied) as exc:
            reason = "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            modeladmin.message_user(request, f"{obj}：{reason}", messages.ERROR)
    if succeeded:
        modeladmin.message_user(request, f"{done}：{succeeded}", messages.SUCCESS)


def step_action(*, name: str, description, perform, done: str, permissions=("change",)):
    """An action calling `perform(obj, request)` (a service call) for each selected row."""

    def action(modeladmin, request, queryset):
        _run(modeladmin, request, queryset, perform, done)

    action.__name__ = name
    return admin.action(description=description, permissions=permissions)(action)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("理由"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 3}))


def reason_action(*, name: str, description, perform, done: str, prompt, permissions=("change",)):
    """An action that first asks for a reason (an intermediate page), then calls `perform(obj, request, reason)`.
    Whether a reason is required is the service's rule, not the form's: an empty one reaches the service."""

    def action(modeladmin, request, queryset):
        if "apply" in request.POST:
            form = ReasonForm(request.POST)
            if form.is_valid():
                reason = form.cleaned_data["reason"]
                _run(modeladmin, request, queryset, lambda obj, req: perform(obj, req, reason), done)
                return None
        else:
            form = ReasonForm()
        context = {
            **modeladmin.admin_site.each_context(request),
            "title": description,
            "prompt": prompt,
            "form": form,
            "queryset": queryset,
            "action": name,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "opts": modeladmin.model._meta,
        }
        return TemplateResponse(request, "admin/reason_action.html", context)

    action.__name__ = name
    return admin.action(description=description, permissions=permissions)(action)
