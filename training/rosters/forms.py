from django import forms
from django.utils.translation import gettext_lazy as _

from training.models import TrainingProject
from training.scope import visible
from training.tabular import SpreadsheetError, check_spreadsheet


class RosterUploadForm(forms.Form):
    project = forms.ModelChoiceField(label=_("培训项目"), queryset=TrainingProject.objects.none())
    file = forms.FileField(label=_("花名册文件（xlsx或csv）"))
    skip_invalid = forms.BooleanField(
        label=_("跳过有误的行，只导入有效行"), required=False, help_text=_("不勾选时，任何一行有误则全部不导入")
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the projects the uploader may see (a provider's own projects).
        projects = visible(user, TrainingProject.objects.all()).order_by("-year", "code")
        self.fields["project"].queryset = projects
        if len(projects[:2]) == 1:  # a provider with one project need not pick it
            self.fields["project"].initial = projects[0].pk

    def clean_file(self):
        """Size, zip members and inflated size: refused here, before the file is stored or parsed."""
        file = self.cleaned_data["file"]
        try:
            check_spreadsheet(file)
        except SpreadsheetError as e:
            raise forms.ValidationError(str(e), code="spreadsheet") from e
        return file
