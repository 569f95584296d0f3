from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportModelAdmin

from training.admin.actions import reason_action
from training.admin.scoped import ScopedAdminMixin
from training.admin.uploads import SpreadsheetAdminMixin
from training.models import ChemicalPark, Enterprise, Provider, ProviderStatus, Region, Teacher
from training.resources import EnterpriseResource, ProviderResource
from training.services.organisations import provider_set_status


@admin.register(Region)
class RegionAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]


@admin.register(ChemicalPark)
class ChemicalParkAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "region"]
    search_fields = ["name"]


@admin.register(Enterprise)
class EnterpriseAdmin(SpreadsheetAdminMixin, ScopedAdminMixin, ImportExportModelAdmin):
    resource_classes = [EnterpriseResource]
    list_display = ["name", "credit_code", "region", "park", "kind", "major_hazard"]
    list_filter = ["kind", "major_hazard"]
    search_fields = ["name", "credit_code"]
    list_select_related = ["region__parent__parent", "park"]


def _set_status(status: ProviderStatus, name: str, description, prompt):
    return reason_action(
        name=name,
        description=description,
        prompt=prompt,
        perform=lambda provider, request, reason: provider_set_status(provider=provider, status=status, reason=reason),
        done=status.label,
    )


@admin.register(Provider)
class ProviderAdmin(SpreadsheetAdminMixin, ScopedAdminMixin, ImportExportModelAdmin):
    """A provider's status changes only through provider_set_status (an action asking for the reason): removal
    (退出) is published with its public reason on /public/removed-providers/ (SPEC 三(三))."""

    resource_classes = [ProviderResource]
    list_display = ["name", "credit_code", "kind", "region", "status"]
    list_filter = ["kind", "status"]
    search_fields = ["name", "credit_code"]
    readonly_fields = ["status", "status_reason", "status_changed_at"]
    actions = [
        _set_status(
            ProviderStatus.REMOVED,
            "remove",
            _("退出并公开曝光"),
            _("退出的培训机构将在“已退出培训机构”公开页列出，请填写公开原因（必填）。"),
        ),
        _set_status(ProviderStatus.SUSPENDED, "suspend", _("暂停"), _("请填写暂停原因。")),
        _set_status(ProviderStatus.ACTIVE, "reinstate", _("恢复正常"), _("请填写恢复原因。")),
    ]


@admin.register(Teacher)
class TeacherAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "provider", "title"]
    search_fields = ["name"]
