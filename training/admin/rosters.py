"""Admin for roster uploads and the admin's roster import screen (door b of the one roster validation path)."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportMixin
from import_export.forms import ConfirmImportForm, ImportForm

from training.admin.scoped import ScopedAdminMixin
from training.admin.uploads import SpreadsheetAdminMixin
from training.models import RosterImport, TrainingProject
from training.rosters.resource import RosterResource
from training.scope import visible


class RosterImportForm(ImportForm):
    project = forms.ModelChoiceField(label=_("培训项目"), queryset=TrainingProject.objects.none())


class RosterConfirmForm(ConfirmImportForm):
    project = forms.ModelChoiceField(queryset=TrainingProject.objects.none(), widget=forms.HiddenInput)


@admin.register(RosterImport)
class RosterImportAdmin(SpreadsheetAdminMixin, ScopedAdminMixin, ImportMixin, admin.ModelAdmin):
    """Uploads made on the web page, read-only; the 导入 button imports a roster file through RosterResource."""

    resource_classes = [RosterResource]
    import_form_class = RosterImportForm
    confirm_form_class = RosterConfirmForm
    skip_admin_log = True  # the rows are trainees, not RosterImport rows
    list_display = ["original_name", "project", "status", "total_rows", "invalid_rows", "enrolled", "created_at"]
    list_filter = ["status"]
    list_select_related = ["project"]
    readonly_fields = [f.name for f in RosterImport._meta.fields]

    def has_add_permission(self, request):
        return False  # uploads are made on the roster page

    def has_import_permission(self, request):
        # The import creates and updates trainees and puts them on the project's roster.
        return request.user.has_perms(["training.add_trainee", "training.change_trainee", "training.add_enrollment"])

    def _scoped(self, form, request):
        form.fields["project"].queryset = visible(request.user, TrainingProject.objects.all())
        return form

    def create_import_form(self, request):
        return self._scoped(super().create_import_form(request), request)

    def create_confirm_form(self, request, import_form=None):
        return self._scoped(super().create_confirm_form(request, import_form), request)

    def get_confirm_form_initial(self, request, import_form):
        initial = super().get_confirm_form_initial(request, import_form)
        if import_form is not None:
            initial["project"] = import_form.cleaned_data["project"].pk
        return initial

    def get_import_data_kwargs(self, **kwargs):
        form = kwargs.get("form")
        kwargs = super().get_import_data_kwargs(**kwargs)
        if form is not None and "project" in getattr(form, "cleaned_data", {}):
            kwargs["project"] = form.cleaned_data["project"]
        return kwargs
