from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from training.validators import normalize_id_number


class SignInForm(AuthenticationForm):
    """Trainees sign in with their ID number, staff with their user name; both with a password."""

    username = forms.CharField(label=_("身份证号或用户名"), max_length=150, widget=forms.TextInput(attrs={"autofocus": True}))

    def clean_username(self):
        value = self.cleaned_data["username"].strip()
        # An ID number typed with a lower-case x is the same person.
        return normalize_id_number(value) if len(value) == 18 and value[:17].isdigit() else value
