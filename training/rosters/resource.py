"""The admin's import-export door for rosters (issue 3 "Rosters", door b), on the ONE validation path.

`before_import` runs training.rosters.batch.check_roster on the whole dataset; a bad row then fails in
`before_import_row` with exactly the reasons the command and the web upload give. Good rows are written by
import-export row by row (Trainee.full_clean via clean_model_instances, then enrollment_create, which locks the
class and re-checks capacity and the one-active-project rule): the single-row path that the property test proves
agrees with the batch check.
"""

from __future__ import annotations

import pandas as pd
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from training.models import OfflineClass
from training.resources import TraineeResource
from training.rosters.batch import check_roster
from training.rosters.reading import ROW, frame_from_table
from training.services.enrollments import enrollment_assign_class, enrollment_create


class RosterResource(TraineeResource):
    """The trainee columns of TraineeResource (the roster template's headers); values come from the batch check."""

    class Meta(TraineeResource.Meta):
        skip_unchanged = False
        skip_diff = True

    def __init__(self, project=None, **kwargs):
        super().__init__(**kwargs)
        self.project = project
        self.check = None
        self._index_of: dict[int, int] = {}
        self._current: int | None = None

    @classmethod
    def get_display_name(cls):
        return "花名册（姓名、身份证号、人员类别……）"

    def before_import(self, dataset, **kwargs):
        self.project = kwargs.get("project") or self.project
        if self.project is None:
            raise ValueError("请选择培训项目")
        table = pd.DataFrame(list(dataset), columns=dataset.headers or [])
        self.check = check_roster(frame_from_table(table), project=self.project)  # RosterFileError: one line
        self._index_of = {int(row): i for i, row in enumerate(self.check.frame[ROW])}

    def before_import_row(self, row, **kwargs):
        # Dataset row 1 is the spreadsheet's row 2 (under the header).
        self._current = self._index_of.get(kwargs["row_number"] + 1)
        if self._current is not None and self._current in self.check.errors:
            raise ValidationError({NON_FIELD_ERRORS: self.check.errors[self._current]})

    def skip_row(self, instance, original, row, import_validation_errors=None):
        return self._current is None  # a blank line of the sheet

    def import_instance(self, instance, row, **kwargs):
        """The cleaned values of the batch check (the same normalisation as every other door)."""
        values = self.check.frame.iloc[self._current]
        instance.name = values["_name"]
        instance.id_number = values["_id_number"]
        instance.personnel_class = int(values["_personnel_class"])
        instance.enterprise_id = int(values["_enterprise_id"])
        instance.phone = values["_phone"]
        instance.post_start_date = values["_post_start_date"]
        instance.new_or_transferred = bool(values["_new_or_transferred"])

    def after_save_instance(self, instance, row, **kwargs):
        values = self.check.frame.iloc[self._current]
        class_id = values["_offline_class_id"]
        offline_class = OfflineClass.objects.get(pk=int(class_id)) if pd.notna(class_id) else None
        current = values["_enrollment"]
        if not isinstance(current, tuple):
            enrollment_create(project=self.project, trainee=instance, offline_class=offline_class)
        elif offline_class is not None and current[1] != offline_class.pk:
            enrollment = instance.enrollments.get(pk=current[0])
            enrollment_assign_class(enrollment=enrollment, offline_class=offline_class)
