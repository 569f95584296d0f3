"""Forms of the pages. They only collect and normalise values: the services and rules decide."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from training.models import Course, EnterpriseKind, Modality, PersonnelClass, ServiceContract
from training.validators import normalize_id_number


class SignInForm(AuthenticationForm):
    """Trainees sign in with their ID number, staff with their user name; both with a password."""

    username = forms.CharField(
        label=_("身份证号或用户名"), max_length=150, widget=forms.TextInput(attrs={"autofocus": True})
    )

    def clean_username(self):
        value = self.cleaned_data["username"].strip()
        # An ID number typed with a lower-case x is the same person.
        return normalize_id_number(value) if len(value) == 18 and value[:17].isdigit() else value


class TraineeFilterForm(forms.Form):
    personnel_class = forms.TypedChoiceField(
        label=_("人员类别"),
        choices=[("", _("全部"))] + PersonnelClass.choices,
        coerce=int,
        empty_value=None,
        required=False,
    )
    enterprise = forms.TypedChoiceField(label=_("企业"), coerce=int, empty_value=None, required=False)
    q = forms.CharField(label=_("姓名或身份证号"), required=False, max_length=64)
    on_roster = forms.TypedChoiceField(
        label=_("已纳入培训项目"),
        choices=[("", _("全部")), ("1", _("是")), ("0", _("否"))],
        coerce=lambda v: v == "1",
        empty_value=None,
        required=False,
    )
    priority = forms.TypedChoiceField(
        label=_("新入职或转岗"),
        choices=[("", _("全部")), ("1", _("是")), ("0", _("否"))],
        coerce=lambda v: v == "1",
        empty_value=None,
        required=False,
    )
    region = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, enterprise_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].choices = [("", _("全部"))] + list(enterprise_choices)


class RosterFilterForm(forms.Form):
    """Filters of a project's roster (/projects/<id>/): status, class ("none" = people in no class), category."""

    status = forms.ChoiceField(label=_("状态"), required=False)
    offline_class = forms.ChoiceField(label=_("线下班级"), required=False)
    personnel_class = forms.TypedChoiceField(
        label=_("人员类别"),
        choices=[("", _("全部"))] + PersonnelClass.choices,
        coerce=int,
        empty_value=None,
        required=False,
    )
    q = forms.CharField(label=_("姓名或身份证号"), required=False, max_length=64)

    def __init__(self, *args, class_choices=(), **kwargs):
        from training.models import EnrollmentStatus

        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("全部"))] + EnrollmentStatus.choices
        self.fields["offline_class"].choices = [("", _("全部")), ("none", _("未分班"))] + [
            (str(c.pk), c.code) for c in class_choices
        ]


class EnterpriseFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("企业类型"), choices=[("", _("全部"))] + EnterpriseKind.choices, required=False)
    major_hazard = forms.TypedChoiceField(
        label=_("重大危险源"),
        choices=[("", _("全部")), ("1", _("是")), ("0", _("否"))],
        coerce=lambda v: v == "1",
        empty_value=None,
        required=False,
    )
    q = forms.CharField(label=_("企业名称或信用代码"), required=False, max_length=64)
    region = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ContractForm(forms.ModelForm):
    class Meta:
        model = ServiceContract
        fields = [
            "number",
            "signed_at",
            "start_date",
            "end_date",
            "trainees_class1",
            "trainees_class2",
            "trainees_class3",
            "fee_class1",
            "fee_class2",
            "fee_class3",
            "method",
            "content",
            "performance_targets",
            "responsibilities",
        ]
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}),
            "end_date": forms.DateInput(attrs={"type": "date"}),
            "signed_at": forms.DateInput(attrs={"type": "date"}),
            **{
                f: forms.Textarea(attrs={"rows": 2})
                for f in ["method", "content", "performance_targets", "responsibilities"]
            },
        }


class ReviewForm(forms.Form):
    score = forms.IntegerField(label=_("评分（0–100）"))
    comment = forms.CharField(label=_("评审意见"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class CourseForm(forms.ModelForm):
    class Meta:
        model = Course
        fields = ["title", "hours", "modality", "is_documentary"]


class PlanReviewForm(forms.Form):
    comment = forms.CharField(label=_("审核意见"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class ClassForm(forms.Form):
    code = forms.CharField(label=_("班级编号"), max_length=32)
    name = forms.CharField(label=_("班级名称"), max_length=128, required=False)
    personnel_class = forms.TypedChoiceField(label=_("人员类别"), coerce=int, choices=[])
    capacity = forms.IntegerField(label=_("人数上限"), required=False, help_text=_("留空则取现行培训规则的上限"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from training.models import PersonnelClass

        self.fields["personnel_class"].choices = PersonnelClass.choices


class SessionForm(forms.Form):
    date = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    start = forms.TimeField(label=_("开始"), widget=forms.TimeInput(attrs={"type": "time"}))
    end = forms.TimeField(label=_("结束"), widget=forms.TimeInput(attrs={"type": "time"}))
    venue = forms.CharField(label=_("地点"), max_length=200)
    kind = forms.ChoiceField(label=_("类型"), choices=[("theory", _("理论")), ("practical", _("实训"))])
    topic = forms.CharField(label=_("课程内容"), max_length=200, required=False)


class ClassAttendanceForm(forms.Form):
    """全部签到: one time (and optionally a sign-out time) and one reason for everyone not marked absent."""

    signed_in = forms.TimeField(label=_("签到时间"), widget=forms.TimeInput(attrs={"type": "time"}))
    signed_out = forms.TimeField(label=_("签退时间"), required=False, widget=forms.TimeInput(attrs={"type": "time"}))
    reason = forms.CharField(
        label=_("原因（每人记录）"), max_length=200, widget=forms.TextInput(attrs={"placeholder": _("签到设备故障")})
    )


MODALITY_CHOICES = Modality.choices
