from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from training.models import EnterpriseKind, PersonnelClass
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

    def __init__(self, *args, enterprise_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].choices = [("", _("全部"))] + list(enterprise_choices)


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
