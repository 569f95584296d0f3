"""The admin side of the one scope mechanism (training/scope.py)."""

from django.http import Http404

from training.scope import visible


class ScopedAdminMixin:
    """Changelists, change views, exports and foreign-key choices show only rows in the user's scope.

    An object outside the scope is a 404, never a redirect that would confirm it exists.
    """

    def get_queryset(self, request):
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

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and hasattr(field, "queryset"):
            field.queryset = visible(request.user, field.queryset)
        return field

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if field is not None and hasattr(field, "queryset") and hasattr(field.queryset.model, "scope_paths"):
            field.queryset = visible(request.user, field.queryset)
        return field
