"""Admin for rule sets, plans, contracts, expert reviews and the project status record (issue 3).

Rule sets are edited by administrators only (role permissions give everyone else view access). Plans are
reviewed on their page, where the rule check is shown; here the workflow fields are read-only.
"""

from django import forms
from django.contrib import admin

from training.admin.classes import ReadOnlyAdminMixin
from training.admin.scoped import ScopedAdminMixin
from training.models import (
    ClassRule,
    Course,
    ExpertReview,
    PersonnelClass,
    ProjectStatusChange,
    RuleSet,
    ServiceContract,
    TrainingPlan,
)
from training.rules import ClassRuleValues, looser_than_national_errors
from training.selectors.policy import NoRuleSetError, class_rule_values, rule_set_in_force


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


class CourseInline(admin.TabularInline):
    model = Course
    extra = 0
    fields = ["order", "title", "modality", "hours", "is_documentary"]


@admin.register(TrainingPlan)
class TrainingPlanAdmin(ScopedAdminMixin, admin.ModelAdmin):
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
    inlines = [CourseInline]

    def has_change_permission(self, request, obj=None):
        # Courses change only while the plan is a draft or was returned (as in services.plans.course_add).
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
