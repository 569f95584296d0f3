"""The admin side of the one scope mechanism (training/scope.py), and the admin's way of writing through services."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from import_export.forms import SelectableFieldsExportForm

from training.roles import ASSIGNEE_ROLE
from training.scope import assignable_accounts, visible


class ColumnNameExportForm(SelectableFieldsExportForm):
    """The export screen lists each field by the column name the file will carry (姓名), not "Name (姓名)"."""

    def _get_field_label(self, resource, field_name: str) -> str:
        field = resource.fields.get(field_name)
        return str(field.column_name) if field and field.column_name else field_name


def scoped_choices(user, db_field, queryset):
    """The rows a picker for `db_field` may offer `user`: those in the user's scope; for the auditors and experts
    of a project, only accounts of that role near the user's region (never trainees, never other officers)."""
    role = ASSIGNEE_ROLE.get(f"{db_field.model._meta.label}.{db_field.name}")
    if role is not None:
        return queryset.filter(pk__in=assignable_accounts(user, role).values("pk"))
    return visible(user, queryset)


class ScopedPickersMixin:
    """Every foreign-key and many-to-many picker (select, raw id, filter_horizontal, autocomplete target check)
    offers and accepts only rows in the user's scope. For ModelAdmins and inlines alike."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and hasattr(field, "queryset"):
            field.queryset = scoped_choices(request.user, db_field, field.queryset)
        return field

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if field is not None and hasattr(field, "queryset"):
            field.queryset = scoped_choices(request.user, db_field, field.queryset)
        return field


class ScopedAdminMixin(ScopedPickersMixin):
    """Changelists, change views, exports, autocomplete answers and foreign-key choices show only rows in the
    user's scope. An object outside the scope is a 404, never a redirect that would confirm it exists.
    """

    def get_queryset(self, request):
        # also the queryset the autocomplete view searches when this admin is a picker's target
        return visible(request.user, super().get_queryset(request))

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404
        return obj

    # django-import-export allows import and export to anyone who reaches the admin unless told otherwise:
    # importing creates and updates rows, so it needs both; exporting is reading.
    def has_import_permission(self, request):
        return self.has_add_permission(request) and self.has_change_permission(request)

    def has_export_permission(self, request):
        return self.has_view_or_change_permission(request)

    export_form_class = ColumnNameExportForm

    # Exports are named and their sheet titled in the UI language, dated in local time (TIME_ZONE), not UTC:
    # "企业-2024-06-01.xlsx" with the sheet "企业", never "Enterprise-2024-05-31.xlsx" / "Tablib Dataset".
    def get_export_filename(self, request, queryset, file_format):
        name = str(self.model._meta.verbose_name_plural)
        return f"{name}-{timezone.localdate():%Y-%m-%d}.{file_format.get_extension()}"

    def get_data_for_export(self, request, queryset, **kwargs):
        dataset = super().get_data_for_export(request, queryset, **kwargs)
        dataset.title = str(self.model._meta.verbose_name_plural)[:31]
        return dataset


class ServiceForm(forms.ModelForm):
    """An admin form whose write is a service call (`write()`), made as the last step of validation: a refusal
    by the service (a ValidationError naming the rule) shows on the form like any other error, and the
    savepoint undoes whatever the service wrote before it refused. `request` is set by ServiceAdminMixin."""

    request = None

    def write(self):
        raise NotImplementedError

    def _post_clean(self):
        super()._post_clean()
        if self._errors:
            return
        try:
            with transaction.atomic():
                self.instance = self.write()
        except ValidationError as exc:
            errors = exc.error_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.error_list}
            for name, messages in errors.items():
                self.add_error(name if name in self.fields else None, messages)

    def save(self, commit=True):
        self.save_m2m = self._save_m2m  # many-to-many fields of the form, on the object the service saved
        return self.instance


class ServiceAdminMixin:
    """For ModelAdmins whose form is a ServiceForm: the service already saved the object during validation."""

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        return type(form.__name__, (form,), {"request": request})

    def save_model(self, request, obj, form, change):
        pass  # written by form.write() through the service
