from django import forms
from django.utils.translation import gettext_lazy as _

from oversight import rules
from oversight.models import Finding, FollowUpMethod, RevisitMethod, SanctionAction
from training.models import PersonnelClass


class _RegionForm(forms.Form):
    region = forms.ChoiceField(label=_("行政区划"))
    personnel_class = forms.TypedChoiceField(label=_("人员类别"), choices=PersonnelClass.choices, coerce=int)

    def __init__(self, *args, regions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [(r.code, f"{r.code} {r.full_name}") for r in regions]


class BaselineForm(_RegionForm):
    enterprises = forms.IntegerField(label=_("应培训企业数"), min_value=0, initial=0)
    people = forms.IntegerField(label=_("应培训人数"), min_value=0)
    accident_rate_2020 = forms.DecimalField(
        label=_("2020年工伤事故发生率（‰）"), max_digits=7, decimal_places=3, required=False, min_value=0
    )


class TargetForm(_RegionForm):
    year = forms.TypedChoiceField(
        label=_("年度"), coerce=int, choices=[(y, y) for y in range(rules.FIRST_YEAR, rules.FINAL_YEAR + 1)]
    )
    people = forms.IntegerField(label=_("累计目标人数"), min_value=0)


class FollowUpForm(forms.Form):
    date = forms.DateField(label=_("督促日期"), widget=forms.DateInput(attrs={"type": "date"}))
    method = forms.ChoiceField(label=_("督促方式"), choices=FollowUpMethod.choices)
    outcome = forms.CharField(label=_("督促结果"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("xlsx文件"))


# ---- spot checks, revisits, complaints and sanctions -------------------------------------------------------------

_DATE = forms.DateInput(attrs={"type": "date"})
_YES_NO = [("", _("未回答")), ("1", _("是")), ("0", _("否"))]


def _yes_no(value):
    return {"1": True, "0": False}.get(value)


class SpotCheckForm(forms.Form):
    checked_on = forms.DateField(label=_("抽查日期"), widget=_DATE)
    present = forms.IntegerField(label=_("实到人数"), min_value=0)
    absent = forms.IntegerField(label=_("缺勤人数"), min_value=0)
    finding = forms.ChoiceField(label=_("抽查结论"), choices=Finding.choices)
    notes = forms.CharField(
        label=_("发现的问题"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=4000
    )
    evidence = forms.FileField(label=_("证据照片（JPEG或PNG）"), required=False)


class RevisitForm(forms.Form):
    method = forms.ChoiceField(label=_("回访方式"), choices=RevisitMethod.choices)
    revisited_on = forms.DateField(label=_("回访日期"), widget=_DATE)
    reached = forms.TypedChoiceField(
        label=_("联系到本人"), choices=[("1", _("是")), ("0", _("否"))], coerce=lambda v: v == "1"
    )
    attended = forms.TypedChoiceField(
        label=_("确认参加线下培训"), choices=_YES_NO, coerce=_yes_no, required=False, empty_value=None
    )
    studied = forms.TypedChoiceField(
        label=_("确认本人完成线上学习"), choices=_YES_NO, coerce=_yes_no, required=False, empty_value=None
    )
    answers = forms.CharField(label=_("回访问答记录"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000)
    evidence = forms.FileField(label=_("证据照片（JPEG或PNG）"), required=False)


class ComplaintForm(forms.Form):
    received_on = forms.DateField(label=_("收到日期"), widget=_DATE)
    teacher = forms.TypedChoiceField(label=_("涉及教师"), coerce=int, required=False, empty_value=None)
    summary = forms.CharField(label=_("投诉内容"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)
    substantiated = forms.BooleanField(label=_("经查属实"), required=False)

    def __init__(self, *args, teachers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["teacher"].choices = [("", _("未涉及具体教师"))] + [(t.pk, t.name) for t in teachers]


class SanctionForm(forms.Form):
    action = forms.ChoiceField(label=_("处理"), choices=SanctionAction.choices)
    reason = forms.CharField(
        label=_("原因（退出时向社会公开）"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
