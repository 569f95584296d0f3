from django.contrib import admin
from import_export.admin import ImportExportModelAdmin

from training.admin.scoped import ScopedAdminMixin
from training.models import ChemicalPark, Enterprise, Provider, Region, Teacher
from training.resources import EnterpriseResource, ProviderResource


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
class EnterpriseAdmin(ScopedAdminMixin, ImportExportModelAdmin):
    resource_classes = [EnterpriseResource]
    list_display = ["name", "credit_code", "region", "park", "kind", "major_hazard"]
    list_filter = ["kind", "major_hazard"]
    search_fields = ["name", "credit_code"]
    list_select_related = ["region__parent__parent", "park"]


@admin.register(Provider)
class ProviderAdmin(ScopedAdminMixin, ImportExportModelAdmin):
    resource_classes = [ProviderResource]
    list_display = ["name", "credit_code", "kind", "region", "status"]
    list_filter = ["kind", "status"]
    search_fields = ["name", "credit_code"]
    readonly_fields = ["status_changed_at"]


@admin.register(Teacher)
class TeacherAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "provider", "title"]
    search_fields = ["name"]
