from django.contrib import admin

from training.admin.scoped import ScopedAdminMixin
from training.models import Enrollment, TrainingProject


@admin.register(TrainingProject)
class TrainingProjectAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "region", "provider", "park", "year", "status"]
    list_filter = ["status", "year"]
    search_fields = ["code", "name"]
    filter_horizontal = ["auditors", "experts"]


@admin.register(Enrollment)
class EnrollmentAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["trainee", "project", "status", "created_at"]
    list_filter = ["status"]
    list_select_related = ["trainee", "project"]
    raw_id_fields = ["trainee"]
