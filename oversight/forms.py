from django import forms
from django.utils.translation import gettext_lazy as _

from oversight import rules
from oversight.models import FollowUpMethod
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
