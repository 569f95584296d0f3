"""Admin for rule sets, plans, contracts, expert reviews and the project status record (issue 3).

Rule sets are edited by administrators only (role permissions give everyone else view access). Plans are created,
get courses, are submitted and reviewed through training.services.plans (actions here, or the plan page where the
rule check is shown); the workflow fields are read-only.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from training.admin.actions import reason_action, step_action
from training.admin.classes import ReadOnlyAdminMixin
from training.admin.scoped import ScopedAdminMixin, ScopedPickersMixin, ServiceAdminMixin, ServiceForm
from training.models import (
    ClassRule,
    Course,
    ExpertReview,
    PersonnelClass,
    PlanChange,
    ProjectStatusChange,
    RuleSet,
    ServiceContract,
    TrainingPlan,
)
from training.rules import ClassRuleValues, looser_than_national_errors
from training.selectors.policy import NoRuleSetError, class_rule_values, rule_set_in_force
from training.services.plans import AUTHOR, REVIEWER, course_add, plan_approve, plan_create, plan_return, plan_submit


class ClassRuleFormSet(forms.BaseInlineFormSet):
    """The same checks as services.policy.rule_set_create: three classes covered, never looser than national."""

    def clean(self):
        super().clean()
        rows = [f.cleaned_data for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        missing = [
            str(label)
            for value, label in PersonnelClass.choices
            if value not in {r.get("personnel_class") for r in rows}
        ]
        if missing:
            raise forms.ValidationError(f"培训规则须覆盖三类人员，缺少：{'、'.join(missing)}")
        rule_set = self.instance
        if rule_set.region_id is None or rule_set.effective_from is None:
            return
        try:
            national = rule_set_in_force(None, rule_set.effective_from)
        except NoRuleSetError:
            return
        errors = []
        for row in rows:
            pc = row["personnel_class"]
            regional = ClassRuleValues(
                row["min_total_hours"],
                row["max_total_hours"],
                row["min_offline_percent"],
                row["min_practical_percent"],
                row["class_capacity"],
                rule_set.documentary_required,
                max_offline_hours_per_day=rule_set.max_offline_hours_per_day,
            )
            errors += looser_than_national_errors(
                regional=regional, national=class_rule_values(national, pc), label=f"{PersonnelClass(pc).label}："
            )
        if errors:
            raise forms.ValidationError(errors)


class ClassRuleInline(admin.TabularInline):
    model = ClassRule
    formset = ClassRuleFormSet
    extra = 0


@admin.register(RuleSet)
class RuleSetAdmin(admin.ModelAdmin):
    """Policy data is public to staff: not scoped, so a county officer also sees the national default."""

    list_display = ["name", "region", "effective_from", "documentary_required"]
    list_filter = ["effective_from"]
    inlines = [ClassRuleInline]


class CourseFormSet(forms.BaseInlineFormSet):
    """New courses are added by course_add (checked, and recorded on the plan's history as the user's edit), all
    of them or none; existing courses are not edited here."""

    request = None

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        new = [f for f in self.extra_forms if f.has_changed() and not self._should_delete_form(f)]
        fields = ["title", "hours", "modality", "is_documentary", "order"]
        try:
            with transaction.atomic():
                for form in new:
                    data = {name: form.cleaned_data.get(name) for name in fields}
                    form.instance = course_add(plan=self.instance, by=self.request.user, **data)
        except ValidationError as exc:
            raise forms.ValidationError(exc.messages) from exc

    def save_new(self, form, commit=True):
        return form.instance  # written by course_add in clean()


class CourseInline(ScopedPickersMixin, admin.TabularInline):
    model = Course
    formset = CourseFormSet
    extra = 0
    fields = ["order", "title", "modality", "hours", "is_documentary"]

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        return type(formset.__name__, (formset,), {"request": request})

    def has_change_permission(self, request, obj=None):
        return False  # existing courses stay as they are; new ones are added (add permission)

    def has_add_permission(self, request, obj=None):
        return obj is not None and obj.status in {"draft", "returned"} and super().has_add_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False


class PlanChangeInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = PlanChange
    extra = 0
    fields = ["at", "action", "by", "note"]
    readonly_fields = fields


class TrainingPlanForm(ServiceForm):
    class Meta:
        model = TrainingPlan
        fields = ["project", "personnel_class"]

    def write(self):
        if self.instance._state.adding:
            data = self.cleaned_data
            return plan_create(project=data["project"], personnel_class=data["personnel_class"], by=self.request.user)
        return self.instance


@admin.register(TrainingPlan)
class TrainingPlanAdmin(ServiceAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    """Plans are created, edited, submitted and reviewed through training.services.plans (the same rules and
    history as the plan page); nobody who created, edited or submitted a plan may approve it."""

    form = TrainingPlanForm
    list_display = ["project", "personnel_class", "status", "rule_set", "submitted_at", "reviewed_at"]
    list_filter = ["status", "personnel_class"]
    list_select_related = ["project", "rule_set"]
    readonly_fields = [
        "status",
        "rule_set",
        "submitted_at",
        "submitted_by",
        "reviewed_at",
        "reviewed_by",
        "review_comment",
    ]
    actions = [
        step_action(
            name="submit",
            description=_("提交审核"),
            perform=lambda plan, request: plan_submit(plan=plan, by=request.user),
            done=_("已提交"),
            permissions=("author",),
        ),
        step_action(
            name="approve",
            description=_("批准"),
            perform=lambda plan, request: plan_approve(plan=plan, by=request.user),
            done=_("已批准"),
            permissions=("approve",),
        ),
        reason_action(
            name="return_to_author",
            description=_("退回修改"),
            prompt=_("请填写审核意见（必填），计划将退回编写单位修改。"),
            perform=lambda plan, request, reason: plan_return(plan=plan, by=request.user, comment=reason),
            done=_("已退回"),
            permissions=("approve",),
        ),
    ]

    def get_inlines(self, request, obj):
        return [CourseInline, PlanChangeInline] if obj else []

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, "project", "personnel_class"] if obj else self.readonly_fields

    def has_author_permission(self, request):
        return request.user.has_perm(AUTHOR)

    def has_approve_permission(self, request):
        return request.user.has_perm(REVIEWER)

    def has_change_permission(self, request, obj=None):
        # Courses are added only while the plan is a draft or was returned (as in services.plans.course_add).
        if obj is not None and obj.status not in {"draft", "returned"}:
            return False
        return super().has_change_permission(request, obj)


@admin.register(ServiceContract)
class ServiceContractAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["project", "number", "start_date", "end_date", "planned_total", "signed_at"]
    list_select_related = ["project"]


@admin.register(ExpertReview)
class ExpertReviewAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["project", "expert", "score", "submitted_at"]
    list_select_related = ["project", "expert"]


@admin.register(ProjectStatusChange)
class ProjectStatusChangeAdmin(ReadOnlyAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["project", "from_status", "to_status", "changed_by", "changed_at", "note"]
    list_select_related = ["project", "changed_by"]
