"""Sittings in the admin: created by sitting_create and changed by sitting_update (the project and mode never
change once made); the project picker offers the user's projects only and the staff picker only accounts that may
check candidates in near those projects. Whether a sitting is on, and who may sit, are read-only: the candidate
list is the roster's eligibility (training's completion selector through exams.selectors), with attempts and
check-ins at this sitting."""

from django.contrib import admin
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from exams.models import Sitting
from exams.rules import mask_id_number
from exams.selectors import roster_eligibility, site_staff_choices
from exams.services.sittings import sitting_create, sitting_update
from training.admin.scoped import ScopedAdminMixin, ServiceAdminMixin, ServiceForm

CANDIDATE_ROWS = 300


class SittingForm(ServiceForm):
    class Meta:
        model = Sitting
        fields = ["project", "name", "mode", "opens_at", "closes_at", "site", "room", "seats", "staff"]

    def write(self):
        data = self.cleaned_data
        common = {
            "name": data["name"],
            "opens_at": data["opens_at"],
            "closes_at": data["closes_at"],
            "site": data.get("site", ""),
            "room": data.get("room", ""),
            "seats": data.get("seats"),
            "staff": list(data.get("staff") or []),
        }
        if self.instance._state.adding:
            return sitting_create(project=data["project"], mode=data["mode"], **common)
        return sitting_update(sitting=self.instance, **common)


@admin.register(Sitting)
class SittingAdmin(ServiceAdminMixin, ScopedAdminMixin, admin.ModelAdmin):
    form = SittingForm
    list_display = ["name", "project", "mode", "opens_at", "closes_at", "site", "state", "attempt_count"]
    list_filter = ["mode"]
    list_select_related = ["project"]
    search_fields = ["name", "project__code", "site"]
    filter_horizontal = ["staff"]

    def get_readonly_fields(self, request, obj=None):
        return ["project", "mode", "state", "candidates"] if obj else []

    def get_fields(self, request, obj=None):
        fields = ["project", "name", "mode", "opens_at", "closes_at", "site", "room", "seats", "staff"]
        return [*fields, "state", "candidates"] if obj else fields

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name == "staff":
            field.queryset = site_staff_choices(request.user)
        return field

    def has_delete_permission(self, request, obj=None):
        return False  # attempts and check-ins point at it

    @admin.display(description=_("状态"))
    def state(self, obj):
        now = timezone.now()
        if now < obj.opens_at:
            return _("未开始")
        return _("进行中") if now < obj.closes_at else _("已结束")

    @admin.display(description=_("考试人次"))
    def attempt_count(self, obj):
        return obj.attempts.count()

    @admin.display(description=_("考生名单"))
    def candidates(self, obj):
        rows = roster_eligibility(obj.project)
        attempts = dict(obj.attempts.values_list("enrollment_id", "status"))
        checked_in = set(obj.check_ins.values_list("enrollment_id", flat=True))
        body = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    mask_id_number(e.enrollment.trainee.id_number),
                    e.enrollment.trainee.name,
                    e.enrollment.trainee.get_personnel_class_display(),
                    _("是") if e.eligible else _("否"),
                    "；".join(e.reasons),
                    _("已签到")
                    if e.enrollment.pk in checked_in
                    else (_("已参加考试") if e.enrollment.pk in attempts else ""),
                )
                for e in rows[:CANDIDATE_ROWS]
            ),
        )
        more = (
            format_html("<p>{}</p>", _("仅显示前 %(count)s 人") % {"count": CANDIDATE_ROWS})
            if len(rows) > CANDIDATE_ROWS
            else ""
        )
        return format_html(
            "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>"
            "<tbody>{}</tbody></table>{}<p>{}</p>",
            _("身份证号"),
            _("姓名"),
            _("人员类别"),
            _("是否具备考试资格"),
            _("原因"),
            _("本场次"),
            body,
            more,
            _("名单来自花名册与培训完成情况，只读；完整身份证号请用 exam_candidates --format csv 导出"),
        )
