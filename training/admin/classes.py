"""Admin for offline classes, sessions, attendance and the hours ledger (issue 3).

Classes are created through offline_class_create (capacity from the rule set in force); attendance and the
ledger are read-only here: they are written by the attendance page and the services (append-only ledger).
"""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from training.admin.scoped import ScopedAdminMixin, ScopedPickersMixin
from training.models import Attendance, ClassSession, CreditedHours, OfflineClass
from training.rules import capacity_setting_error, hours_text
from training.selectors.policy import class_rule_values, rule_set_in_force
from training.services.classes import offline_class_create


class ReadOnlyAdminMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ClassSessionInline(ScopedPickersMixin, admin.TabularInline):
    model = ClassSession
    extra = 0
    fields = ["date", "start", "end", "kind", "hours", "venue", "teacher", "topic"]


class OfflineClassAdminForm(forms.ModelForm):
    """On creation the cap comes from the rule set in force (blank = the cap itself); same rule as the service."""

    class Meta:
        model = OfflineClass
        fields = ["code", "name", "project", "personnel_class", "capacity"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "capacity" in self.fields:
            self.fields["capacity"].required = False

    def clean(self):
        data = super().clean()
        project, personnel_class = data.get("project"), data.get("personnel_class")
        if self.instance.pk is None and project and personnel_class:
            cap = class_rule_values(rule_set_in_force(project.region), personnel_class).class_capacity
            data["capacity"] = data.get("capacity") or cap
            self.instance.capacity = data["capacity"]
            reason = capacity_setting_error(capacity=data["capacity"], max_capacity=cap)
            if reason:
                self.add_error("capacity", reason)
        return data


@admin.register(OfflineClass)
class OfflineClassAdmin(ScopedAdminMixin, admin.ModelAdmin):
    form = OfflineClassAdminForm
    list_display = ["code", "name", "project", "personnel_class", "capacity"]
    list_filter = ["personnel_class"]
    search_fields = ["code", "name", "project__code"]
    inlines = [ClassSessionInline]

    def get_readonly_fields(self, request, obj=None):
        # The cap is fixed when the class is created (from the rule set then in force).
        return ["capacity", "project", "personnel_class", "code"] if obj else []

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        created = offline_class_create(
            project=obj.project,
            personnel_class=obj.personnel_class,
            code=obj.code,
            name=obj.name,
            capacity=obj.capacity,
        )
        obj.pk = created.pk
        obj._state.adding = False


@admin.register(ClassSession)
class ClassSessionAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["offline_class", "date", "start", "end", "kind", "hours", "venue", "teacher"]
    list_filter = ["kind", "date"]
    list_select_related = ["offline_class", "teacher"]
    search_fields = ["offline_class__code", "venue"]


@admin.register(Attendance)
class AttendanceAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["enrollment", "session", "signed_in_at", "signed_out_at", "recorded_by", "recorded_at"]
    list_select_related = ["enrollment__trainee", "enrollment__project", "session__offline_class", "recorded_by"]
    search_fields = ["enrollment__trainee__name", "session__offline_class__code"]


@admin.register(CreditedHours)
class CreditedHoursAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    list_display = [
        "enrollment",
        "kind",
        "hours",
        "seconds",
        "course",
        "source",
        "created_at",
        "voided_at",
        "void_reason",
    ]
    list_filter = ["kind"]
    list_select_related = ["enrollment__trainee", "enrollment__project", "course"]
    search_fields = ["enrollment__trainee__name", "source"]

    @admin.display(description=_("学时"))
    def hours(self, obj):
        return hours_text(obj.seconds)
