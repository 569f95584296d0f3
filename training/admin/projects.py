"""Projects and rosters in the admin: every status step and every enrolment goes through training.services."""

from django.contrib import admin
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from training.admin.actions import step_action
from training.admin.scoped import ScopedAdminMixin, ServiceAdminMixin, ServiceForm
from training.models import Enrollment, ProjectStatus, TrainingProject
from training.services.enrollments import enrollment_assign_class, enrollment_create
from training.services.projects import project_create, project_transition


class TrainingProjectForm(ServiceForm):
    """A new project is created by project_create (always a draft); edits of the other fields save as usual."""

    class Meta:
        model = TrainingProject
        fields = ["code", "name", "region", "provider", "park", "year", "auditors", "experts"]

    def write(self):
        if self.instance._state.adding:
            data = self.cleaned_data
            return project_create(
                code=data["code"],
                name=data["name"],
                region=data["region"],
                year=data["year"],
                provider=data.get("provider"),
                park=data.get("park"),
                created_by=self.request.user,
            )
        self.instance.save()
        return self.instance


def _transition_to(status: ProjectStatus):
    return step_action(
        name=f"to_{status.value}",
        description=format_lazy("{}“{}”", _("状态变为"), status.label),
        perform=lambda project, request: project_transition(
            project=project, to_status=status.value, by=request.user, note="管理后台"
        ),
        done=format_lazy("{}“{}”", _("项目状态已变为"), status.label),
        permissions=("transition",),
    )


@admin.register(TrainingProject)
class TrainingProjectAdmin(ServiceAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    """The status is read-only: each workflow step is an action calling project_transition, which checks who may
    take it and records it (ProjectStatusChange)."""

    form = TrainingProjectForm
    list_display = ["code", "name", "region", "provider", "park", "year", "status"]
    list_filter = ["status", "year"]
    search_fields = ["code", "name"]
    filter_horizontal = ["auditors", "experts"]
    readonly_fields = ["status"]
    actions = [_transition_to(s) for s in ProjectStatus]

    def has_transition_permission(self, request):
        user = request.user
        return user.has_perm("training.decide_project") or user.has_perm("training.apply_project")


class EnrollmentForm(ServiceForm):
    """Adding puts the trainee on the roster through enrollment_create; a change moves the trainee into another
    class of the same project through enrollment_assign_class (both check the class's capacity under a lock)."""

    class Meta:
        model = Enrollment
        fields = ["project", "trainee", "offline_class"]

    def write(self):
        data = self.cleaned_data
        if self.instance._state.adding:
            return enrollment_create(
                project=data["project"], trainee=data["trainee"], offline_class=data.get("offline_class")
            )
        return enrollment_assign_class(enrollment=self.instance, offline_class=data.get("offline_class"))


@admin.register(Enrollment)
class EnrollmentAdmin(ServiceAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    form = EnrollmentForm
    list_display = ["trainee", "project", "offline_class", "status", "created_at"]
    list_filter = ["status"]
    list_select_related = ["trainee", "project", "offline_class"]
    raw_id_fields = ["trainee"]

    def get_readonly_fields(self, request, obj=None):
        # The project and person of an enrolment never change; its status moves through the services.
        return ["project", "trainee", "status"] if obj else ["status"]
