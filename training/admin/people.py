from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportModelAdmin

from training.admin.scoped import ScopedAdminMixin
from training.admin.uploads import SpreadsheetAdminMixin
from training.models import Trainee, User
from training.resources import TraineeResource


@admin.register(Trainee)
class TraineeAdmin(SpreadsheetAdminMixin, ScopedAdminMixin, ImportExportModelAdmin):
    resource_classes = [TraineeResource]
    list_display = ["name", "masked_id_number", "personnel_class", "enterprise", "new_or_transferred"]
    list_filter = ["personnel_class", "new_or_transferred"]
    search_fields = ["name", "id_number"]
    list_select_related = ["enterprise"]
    autocomplete_fields = ["enterprise"]

    @admin.display(description=_("身份证号"))
    def masked_id_number(self, obj):
        return obj.masked_id_number


@admin.register(User)
class UserAdmin(ScopedAdminMixin, DjangoUserAdmin):
    """Accounts: superusers only (User has no scope_paths, so nobody else sees a row)."""

    list_display = ["username", "first_name", "role", "region", "park", "provider", "is_active"]
    list_filter = ["role", "is_active"]
    fieldsets = DjangoUserAdmin.fieldsets + (
        (_("角色与范围"), {"fields": ["role", "region", "park", "provider", "trainee"]}),
    )
    raw_id_fields = ["trainee"]
