"""The admin's import and export screens on the one spreadsheet path (issue 7, findings 9 and 10).

Every ImportExportModelAdmin / ImportMixin of the project lists `SpreadsheetAdminMixin` first: the uploaded file
is checked by training.tabular.check_spreadsheet (size, zip members, inflated size) when the import form is
validated, before import-export copies it to temporary storage or parses it; the formats check it again and the
row count after parsing; the reason is shown on the import form. Exports neutralise formulas (= + - @) in csv
and xlsx, and only those two formats are offered.
"""

from django.core.exceptions import ValidationError

from training.tabular import SAFE_FORMATS, SpreadsheetError, check_spreadsheet


def validate_spreadsheet_upload(file) -> None:
    try:
        check_spreadsheet(file)
    except SpreadsheetError as e:
        raise ValidationError(str(e), code="spreadsheet") from e


class SpreadsheetAdminMixin:
    import_formats = SAFE_FORMATS
    export_formats = SAFE_FORMATS

    def create_import_form(self, request):
        form = super().create_import_form(request)
        if "import_file" in form.fields:
            form.fields["import_file"].validators.append(validate_spreadsheet_upload)
        return form

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, SpreadsheetError):
            form.add_error("import_file", str(e))  # our reason ("文件过大…"), not "SpreadsheetError encountered"
            return
        super().add_data_read_fail_error_to_form(form, e)
