"""django-import-export resources for the admin's import/export screens.

Validation is the models' own: `clean_model_instances` runs full_clean on every row, so the field validators
(ID number, credit code, phone) and constraints are the same as in forms and services. Foreign keys and the
rows an import may update are limited to the importing user's scope. One bad row rolls back the whole file
(`rollback_on_validation_errors`): nothing is half-written. Files are checked before parsing (size, zip bomb) by
the admin's formats (training/admin/uploads.py, training/tabular.py) and the row count again here.
"""

from django.core.exceptions import ValidationError
from django.utils import translation
from import_export import fields, resources, widgets

from training.models import ChemicalPark, Enterprise, PersonnelClass, Provider, Region, Trainee
from training.rosters import columns
from training.scope import visible
from training.tabular import check_row_count, chinese_labels, choice_labels
from training.validators import normalize_credit_code, normalize_id_number, normalize_phone


class ScopedForeignKeyWidget(widgets.ForeignKeyWidget):
    """Finds the related row only among those the importing user may see."""

    def get_queryset(self, value, row, *args, **kwargs):
        queryset = super().get_queryset(value, row, *args, **kwargs)
        user = kwargs.get("user")
        return visible(user, queryset) if user is not None else queryset


class ScopedResource(resources.ModelResource):
    """Rows to update are looked up in the user's scope only; a user never overwrites what they cannot see."""

    user = None

    def before_import(self, dataset, **kwargs):
        self.user = kwargs.get("user")
        super().before_import(dataset, **kwargs)

    def get_queryset(self):
        queryset = super().get_queryset()
        return visible(self.user, queryset) if self.user is not None else queryset

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """The models' own validation, with each error under its spreadsheet column ("身份证号", not "id_number")."""
        try:
            super().validate_instance(instance, import_validation_errors, validate_unique)
        except ValidationError as error:
            columns = {field.attribute: field.column_name for field in self.fields.values() if field.attribute}
            named = {columns.get(key, key): messages for key, messages in error.message_dict.items()}
            raise ValidationError(named) from error

    def import_data(self, dataset, **kwargs):
        check_row_count(len(dataset))  # the row limit of every spreadsheet (training/tabular.py)
        # Every door (admin confirm step, commands) rolls back the whole file when any row is invalid.
        kwargs.setdefault("rollback_on_validation_errors", True)
        return super().import_data(dataset, **kwargs)


class NormalizedCharWidget(widgets.CharWidget):
    def __init__(self, normalize, **kwargs):
        self.normalize = normalize
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        return self.normalize(super().clean(value, row, **kwargs) or "")


class YesNoWidget(widgets.BooleanWidget):
    """是/否 as in the templates' spreadsheets, besides 1/0 and true/false. Empty means no."""

    TRUE_VALUES = [*widgets.BooleanWidget.TRUE_VALUES, "是", "Y", "y", "yes"]
    FALSE_VALUES = [*widgets.BooleanWidget.FALSE_VALUES, "否", "N", "n", "no"]

    def clean(self, value, row=None, **kwargs):
        value = value.strip() if isinstance(value, str) else value
        if value in self.NULL_VALUES:
            return False
        if value not in self.TRUE_VALUES and value not in self.FALSE_VALUES:
            raise ValueError(f"应填“是”或“否”，实为“{value}”")
        return value in self.TRUE_VALUES

    def render(self, value, obj=None, **kwargs):
        return "是" if value else "否"


class ChoiceLabelWidget(widgets.Widget):
    """Reads and writes a choice field by its Chinese label (as in the roster template), whatever the UI language."""

    def __init__(self, choices, **kwargs):
        self.choices = list(choices)
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        value = value.strip() if isinstance(value, str) else value
        if value in {v for v, _ in self.choices} or str(value) in {str(v) for v, _ in self.choices}:
            return next(v for v, _ in self.choices if str(v) == str(value))
        labels = choice_labels(self.choices)  # the same labels in every UI language, as the roster check
        if value not in labels:
            expected = "、".join(chinese_labels(self.choices))
            raise ValueError(f"未知类别“{value}”，应为：{expected}")
        return labels[value]

    def render(self, value, obj=None, **kwargs):
        with translation.override("zh-hans"):
            return next((str(label) for v, label in self.choices if v == value), value)


class EnterpriseResource(ScopedResource):
    credit_code = fields.Field("credit_code", "统一社会信用代码", widget=NormalizedCharWidget(normalize_credit_code))
    name = fields.Field("name", "企业名称")
    region = fields.Field("region", "区县代码", widget=ScopedForeignKeyWidget(Region, "code"))
    park = fields.Field("park", "化工园区", widget=ScopedForeignKeyWidget(ChemicalPark, "name"))
    kind = fields.Field("kind", "企业类型", widget=ChoiceLabelWidget(Enterprise._meta.get_field("kind").choices))
    major_hazard = fields.Field("major_hazard", "构成重大危险源", widget=YesNoWidget())

    class Meta:
        model = Enterprise
        import_id_fields = ["credit_code"]
        fields = ["credit_code", "name", "region", "park", "kind", "major_hazard"]
        clean_model_instances = True
        use_transactions = True
        skip_unchanged = True


class ProviderResource(ScopedResource):
    credit_code = fields.Field("credit_code", "统一社会信用代码", widget=NormalizedCharWidget(normalize_credit_code))
    name = fields.Field("name", "机构名称")
    kind = fields.Field("kind", "机构类型", widget=ChoiceLabelWidget(Provider._meta.get_field("kind").choices))
    region = fields.Field("region", "注册地区代码", widget=ScopedForeignKeyWidget(Region, "code"))

    class Meta:
        model = Provider
        import_id_fields = ["credit_code"]
        fields = ["credit_code", "name", "kind", "region"]
        clean_model_instances = True
        use_transactions = True
        skip_unchanged = True


class TraineeResource(ScopedResource):
    """The trainee columns carry the roster template's headers (training/rosters/columns.py)."""

    name = fields.Field("name", columns.NAME)
    id_number = fields.Field("id_number", columns.ID_NUMBER, widget=NormalizedCharWidget(normalize_id_number))
    personnel_class = fields.Field(
        "personnel_class", columns.PERSONNEL_CLASS, widget=ChoiceLabelWidget(PersonnelClass.choices)
    )
    enterprise = fields.Field(
        "enterprise", columns.CREDIT_CODE, widget=ScopedForeignKeyWidget(Enterprise, "credit_code")
    )
    phone = fields.Field("phone", columns.PHONE, widget=NormalizedCharWidget(normalize_phone))
    post_start_date = fields.Field("post_start_date", columns.POST_START_DATE, widget=widgets.DateWidget())
    new_or_transferred = fields.Field("new_or_transferred", columns.NEW_OR_TRANSFERRED, widget=YesNoWidget())

    class Meta:
        model = Trainee
        import_id_fields = ["id_number"]
        fields = [
            "name",
            "id_number",
            "personnel_class",
            "enterprise",
            "phone",
            "post_start_date",
            "new_or_transferred",
        ]
        clean_model_instances = True
        use_transactions = True
        skip_unchanged = True
