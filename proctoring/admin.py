"""Back office for biometric records: read-only (every write goes through proctoring/services), scoped, and
never showing an image or a template; enrolment photos open only through the logged reviewer view."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from proctoring.models import (
    BiometricConsent,
    BulkEnrolmentJob,
    EnrolmentPhoto,
    FaceTemplate,
    FaceTolerance,
    Flag,
    ImageAccessLog,
    ProxyRing,
    StudySession,
)
from training.admin.scoped import ScopedAdminMixin


class ReadOnlyAdmin(ScopedAdminMixin, admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(BiometricConsent)
class BiometricConsentAdmin(ReadOnlyAdmin):
    list_display = ["trainee", "decision", "text_version", "created_at", "ip_address", "deleted_templates"]
    list_filter = ["decision", "text_version"]
    search_fields = ["trainee__name", "trainee__id_number"]
    date_hierarchy = "created_at"


@admin.register(FaceTemplate)
class FaceTemplateAdmin(ReadOnlyAdmin):
    list_display = ["trainee", "model_version", "created_at"]
    fields = ["trainee", "model_version", "created_at"]  # the encrypted bytes are never shown
    search_fields = ["trainee__name", "trainee__id_number"]


@admin.register(EnrolmentPhoto)
class EnrolmentPhotoAdmin(ReadOnlyAdmin):
    list_display = ["trainee", "source", "created_at", "expires_at", "view_link"]
    fields = ["trainee", "source", "content_type", "created_at", "expires_at", "view_link"]
    list_filter = ["source"]
    search_fields = ["trainee__name", "trainee__id_number"]

    @admin.display(description=_("照片"))
    def view_link(self, obj):
        url = reverse("proctoring:enrolment-photo", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("查看（需填写原因并记录）"))


@admin.register(ImageAccessLog)
class ImageAccessLogAdmin(ReadOnlyAdmin):
    list_display = ["viewed_at", "viewer", "image_kind", "image_id", "trainee", "reason", "ip_address"]
    list_filter = ["image_kind"]
    search_fields = ["viewer__username", "trainee__name", "reason"]
    date_hierarchy = "viewed_at"


@admin.register(BulkEnrolmentJob)
class BulkEnrolmentJobAdmin(ReadOnlyAdmin):
    list_display = ["pk", "provider", "uploaded_by", "status", "processed", "total", "created_at", "finished_at"]
    list_filter = ["status"]
    exclude = ["archive", "results"]


@admin.register(StudySession)
class StudySessionAdmin(ReadOnlyAdmin):
    list_display = [
        "trainee", "lesson", "status", "started_at", "ended_at", "credited_seconds", "checks_passed", "checks_failed",
        "hidden_count",
    ]  # fmt: skip
    list_filter = ["status"]
    search_fields = ["trainee__name", "trainee__id_number"]
    list_select_related = ["trainee", "lesson"]
    date_hierarchy = "started_at"


@admin.register(Flag)
class FlagAdmin(ReadOnlyAdmin):
    """Flags are reviewed on their own page (confirm / dismiss with a reason); the admin only lists them."""

    list_display = ["pk", "kind", "verdict", "enrollment", "status", "appeal_status", "created_at", "review_link"]
    list_filter = ["kind", "status", "appeal_status"]
    search_fields = ["enrollment__trainee__name", "enrollment__trainee__id_number"]
    exclude = ["snapshots"]  # evidence images open only through the logged view
    date_hierarchy = "created_at"

    @admin.display(description=_("审核"))
    def review_link(self, obj):
        return format_html('<a href="{}">{}</a>', reverse("proctoring:flag-detail", args=[obj.pk]), _("去审核"))


@admin.register(ProxyRing)
class ProxyRingAdmin(ReadOnlyAdmin):
    """One face under several accounts across a province (the nightly job, proctoring.rings): the province's
    reviewers see the accounts, their providers and projects, and the distances that joined them."""

    list_display = ["pk", "province", "size", "min_distance", "member_list", "status", "review_link", "seen_at"]
    list_filter = ["status"]
    exclude = ["key"]
    date_hierarchy = "created_at"

    @admin.display(description=_("审核"))
    def review_link(self, obj):
        return format_html('<a href="{}">{}</a>', reverse("proctoring:ring-detail", args=[obj.pk]), _("去审核"))

    @admin.display(description=_("账号与培训机构"))
    def member_list(self, obj):
        return "；".join(f"{m['name']}（{'、'.join(m['providers']) or '—'}）" for m in obj.members)


@admin.register(FaceTolerance)
class FaceToleranceAdmin(ReadOnlyAdmin):
    """Changed only on the page 人脸核验校准 (proctoring.services.tolerance), never here."""

    list_display = ["value", "effective_from", "changed_by", "reason", "created_at"]
