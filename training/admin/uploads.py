"""The admin's import and export screens on the one spreadsheet path (issue 7, findings 9 and 10).

Every ImportExportModelAdmin / ImportMixin of the project lists `SpreadsheetAdminMixin` first: imports go through
training.tabular.check_spreadsheet (size, zip members, inflated size) before any parser and check_row_count
after, with the reason shown on the import form; exports neutralise formulas (= + - @) in csv and xlsx.
"""

from training.tabular import SAFE_FORMATS, SpreadsheetError


class SpreadsheetAdminMixin:
    import_formats = SAFE_FORMATS
    export_formats = SAFE_FORMATS

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, SpreadsheetError):
            form.add_error("import_file", str(e))  # our reason ("文件过大…"), not "SpreadsheetError encountered"
            return
        super().add_data_read_fail_error_to_form(form, e)
