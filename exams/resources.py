"""The admin's import door for the question bank, on the ONE validation path of `import_questions` and the web
upload.

`before_import` turns the dataset into the frame `read_questions` makes (exams.services.bank.question_frame) and
runs `questions_check` over the whole file against the user's bank; a bad row then fails in `before_import_row`
with exactly the `列: 原因` reasons the command prints. Good rows are written by `question_create` with the
checked values. The admin imports all or nothing (import-export's rollback on validation errors).
"""

from __future__ import annotations

import pandas as pd
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from import_export import resources

from exams.models import Question
from exams.services.bank import COLUMNS, question_create, question_frame, questions_check


class QuestionResource(resources.ModelResource):
    class Meta:
        model = Question
        fields = ()
        force_init_instance = True  # every row is a new question; the bank's duplicates are the check's
        skip_diff = True
        use_transactions = True

    def __init__(self, provider=None, region=None, **kwargs):
        super().__init__(**kwargs)
        self.bank = {"provider": provider, "region": region}
        self.check = None
        self._current: int | None = None

    @classmethod
    def get_display_name(cls):
        return "试题（" + "、".join(COLUMNS[:2]) + "……）"

    def before_import(self, dataset, **kwargs):
        table = pd.DataFrame(list(dataset), columns=dataset.headers or [])
        self.check = questions_check(question_frame(table), **self.bank)  # TableFileError: one line

    def before_import_row(self, row, **kwargs):
        self._current = kwargs["row_number"] + 1  # dataset row 1 is the sheet's row 2 (under the header)
        if self._current in self.check.errors:
            raise ValidationError({NON_FIELD_ERRORS: self.check.errors[self._current]})

    def skip_row(self, instance, original, row, import_validation_errors=None):
        return self._current not in self.check.values  # a blank line of the sheet

    def import_instance(self, instance, row, **kwargs):
        pass  # the values are the check's, not the raw cells

    def do_instance_save(self, instance, is_create):
        question = question_create(values=self.check.values[self._current], **self.bank, checked=True)
        instance.pk, instance.current = question.pk, question.current
        instance.provider, instance.region = question.provider, question.region
