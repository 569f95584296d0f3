"""Blueprints in the admin: the paper's settings on the form, its cells (type × topic × difficulty × count) in the
inline, and the save is one call of blueprint_save with both, made while the cells are validated: a bank that
cannot fill a cell, or points that do not add up to the rule set's total, are shown on the page with the figures
(需要10题，题库只有4题) and nothing is written."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from exams.models import Blueprint, BlueprintCell
from exams.services.papers import Cell, blueprint_save
from training.admin.scoped import ScopedAdminMixin

_SETTINGS = [
    "single_points",
    "multiple_points",
    "judge_points",
    "pass_mark",
    "duration_minutes",
    "multi_scoring",
    "show_answers_after_close",
]


class CellFormSet(forms.BaseInlineFormSet):
    """Validating the cells is where the blueprint is saved: blueprint_save gets the form's settings and every
    cell at once, so its refusal lands on this page. Runs only once the blueprint's own form is valid
    (BlueprintAdmin.save_form marks the instance)."""

    def clean(self):
        super().clean()
        blueprint = self.instance
        if any(self.errors) or not getattr(blueprint, "_settings_valid", False):
            return
        cells = [
            Cell(f.cleaned_data["kind"], f.cleaned_data["topic"].strip(), f.cleaned_data["difficulty"], count)
            for f in self.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE") and (count := f.cleaned_data.get("count") or 0)
        ]
        if not cells:
            raise ValidationError(_("请至少填写一行组卷要求"))
        seen = set()
        for cell in cells:
            key = (cell.kind, cell.topic, cell.difficulty)
            if key in seen:
                raise ValidationError(f"{cell.label}：同一题型、知识点和难度只能填一行")
            seen.add(key)
        with transaction.atomic():  # a refusal leaves nothing behind
            saved = blueprint_save(
                project=blueprint.project,
                personnel_class=blueprint.personnel_class,
                cells=cells,
                **{name: getattr(blueprint, name) for name in _SETTINGS},
            )
        blueprint.pk = saved.pk
        blueprint._state.adding = False
        # what the admin's change message reads from a saved formset
        self.new_objects, self.changed_objects, self.deleted_objects = list(saved.cells.all()), [], []

    def save(self, commit=True):
        return []  # written by blueprint_save above


class CellInline(admin.TabularInline):
    model = BlueprintCell
    formset = CellFormSet
    fields = ["kind", "topic", "difficulty", "count"]
    extra = 3
    verbose_name_plural = _("组卷要求（每行：题型、知识点、难度、题数）")

    def _may_edit(self, request, obj):
        admin_ = self.admin_site._registry[Blueprint]
        return admin_.has_change_permission(request, obj) if obj else admin_.has_add_permission(request)

    def has_view_permission(self, request, obj=None):
        return self.admin_site._registry[Blueprint].has_view_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        return self._may_edit(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._may_edit(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._may_edit(request, obj)


@admin.register(Blueprint)
class BlueprintAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """The project and class of a blueprint never change (a new one is added instead); the project picker offers
    only projects the user sees."""

    inlines = [CellInline]
    fields = ["project", "personnel_class", *_SETTINGS, "updated_at"]
    list_display = ["project", "personnel_class", "pass_mark", "duration_minutes", "multi_scoring", "updated_at"]
    list_filter = ["personnel_class", "multi_scoring"]
    list_select_related = ["project"]
    search_fields = ["project__code", "project__name"]

    def get_readonly_fields(self, request, obj=None):
        return ["project", "personnel_class", "updated_at"] if obj else ["updated_at"]

    def has_delete_permission(self, request, obj=None):
        return False  # attempts point at it

    def save_form(self, request, form, change):
        blueprint = form.save(commit=False)
        blueprint._settings_valid = True  # the cells' formset may now call blueprint_save
        return blueprint

    def save_model(self, request, obj, form, change):
        pass  # saved by blueprint_save while the cells were validated

    def save_related(self, request, form, formsets, change):
        pass
