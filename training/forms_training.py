"""Forms of the project, plan, class and attendance pages. They only collect values: the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from training.models import Course, Modality, ServiceContract


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
    hours = forms.DecimalField(label=_("学时"), max_digits=5, decimal_places=2)
    kind = forms.ChoiceField(label=_("类型"), choices=[("theory", _("理论")), ("practical", _("实训"))])
    topic = forms.CharField(label=_("课程内容"), max_length=200, required=False)


MODALITY_CHOICES = Modality.choices
