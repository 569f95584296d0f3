"""Back office for the exam's evidence: read-only and scoped (attempts, answers, their sealed event chain,
certificates, imported results). Every write goes through exams/services; revoking a certificate is an action
that asks for the reason and calls certificate_revoke, like the revocation on a confirmed flag."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from exams.models import Answer, Attempt, AttemptEvent, Certificate, ExternalResult
from exams.services.certificates import certificate_revoke
from training.admin.actions import reason_action
from training.admin.scoped import ScopedAdminMixin


class EvidenceAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """View only: evidence is never added, edited or deleted here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Attempt)
class AttemptAdmin(EvidenceAdmin):
    list_display = ["enrollment", "sitting", "number", "status", "score", "passed", "flagged", "submitted_at"]
    list_filter = ["status", "passed", "flagged", "submit_reason"]
    search_fields = ["enrollment__trainee__name", "enrollment__trainee__id_number"]
    exclude = ["tab_token"]


@admin.register(Answer)
class AnswerAdmin(EvidenceAdmin):
    list_display = ["attempt", "item", "value", "saved_at"]


@admin.register(AttemptEvent)
class AttemptEventAdmin(EvidenceAdmin):
    list_display = ["attempt", "seq", "kind", "at", "hash"]
    list_filter = ["kind"]


@admin.register(ExternalResult)
class ExternalResultAdmin(EvidenceAdmin):
    list_display = ["enrollment", "exam_date", "score", "passed", "site"]
    list_filter = ["passed"]


def _revoke(certificate, request, reason):
    return certificate_revoke(certificate=certificate, reason=reason)


@admin.register(Certificate)
class CertificateAdmin(EvidenceAdmin):
    list_display = ["serial", "trainee", "personnel_class", "project", "issued_on", "valid_until", "status"]
    list_filter = ["status", "personnel_class"]
    search_fields = ["serial", "trainee__name"]
    exclude = ["pdf"]
    actions = [
        reason_action(
            name="revoke",
            description=_("撤销证书"),
            perform=_revoke,
            done=_("已撤销"),
            prompt=_("撤销后证书查询显示“已撤销”，学员的考试合格记录随之取消。请填写撤销原因。"),
            permissions=("revoke",),
        )
    ]

    def has_revoke_permission(self, request):
        return request.user.has_perm("exams.revoke_certificate")
