"""Forms of the fund's pages: they only read figures (yuan → fen, percent → basis points); every rule is the
service's, and its refusal is shown on the form with its figures."""

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from funding.models import AcceptanceKind
from funding.rules import BP, yuan_to_fen
from training.models import PersonnelClass

_DATE = forms.DateInput(attrs={"type": "date"})


def _fen(value, label) -> int:
    try:
        return yuan_to_fen(value)
    except ValueError as exc:
        raise forms.ValidationError(f"{label}：{str(exc).split('：')[-1]}") from exc


def _bp(value: Decimal) -> int:
    """A percent with at most two decimals ("3.5") as basis points (350)."""
    return int(value * 100)


class BudgetForm(forms.Form):
    region = forms.ChoiceField(label=_("统筹地区"))
    year = forms.IntegerField(
        label=_("年度"), min_value=2017, max_value=2100, initial=lambda: timezone.localdate().year
    )
    contribution_income = forms.CharField(label=_("上年度工伤保险基金征缴收入（元）"), max_length=20)
    share_percent = forms.DecimalField(
        label=_("预防费比例（%）"), max_digits=5, decimal_places=2, min_value=0, max_value=100,
        help_text=_("不超过3%；超过须登记省级人力资源社会保障和财政部门的批准文号及日期"),
    )  # fmt: skip
    approval_number = forms.CharField(label=_("省级人社、财政部门批准文号"), max_length=100, required=False)
    approval_date = forms.DateField(label=_("批准日期"), required=False, widget=_DATE)

    def __init__(self, *args, regions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [(r.code, f"{r.code} {r.full_name}") for r in regions]

    def clean_contribution_income(self):
        return _fen(self.cleaned_data["contribution_income"], _("上年度征缴收入"))

    def clean_share_percent(self):
        return _bp(self.cleaned_data["share_percent"])


class TermsForm(forms.Form):
    """The fund terms of one service contract: a fee per trainee for each class the contract plans to train."""

    advance_percent = forms.DecimalField(
        label=_("预付比例（%）"), max_digits=5, decimal_places=2, min_value=0, max_value=100, initial=0
    )
    acceptance_percent = forms.DecimalField(
        label=_("验收后支付比例（%）"), max_digits=5, decimal_places=2, min_value=0, max_value=100, required=False,
        help_text=_("预付比例与验收后支付比例合计100%；留空则按100%减预付比例"),
    )  # fmt: skip
    online_tender_document = forms.CharField(
        label=_("线上培训招标采购文件（经招标采购的填写）"), max_length=200, required=False,
        help_text=_("未登记招标采购的，每人费用中的线上培训部分不予支付"),
    )  # fmt: skip
    acknowledge_low_price = forms.BooleanField(label=_("我已知悉低价竞争预警，确认登记"), required=False)

    def __init__(self, *args, contract, **kwargs):
        super().__init__(*args, **kwargs)
        self.classes = [pc for pc in PersonnelClass if contract.planned(pc)]
        for pc in self.classes:
            self.fields[f"fee_{pc}"] = forms.CharField(
                label=_("%(cls)s：每人费用（元）") % {"cls": pc.label}, max_length=20, initial=contract.fee(pc)
            )
            self.fields[f"online_fee_{pc}"] = forms.CharField(
                label=_("%(cls)s：其中线上培训费用（元）") % {"cls": pc.label}, max_length=20, initial="0"
            )
            self.fields[f"hours_{pc}"] = forms.DecimalField(
                label=_("%(cls)s：每人学时") % {"cls": pc.label}, max_digits=6, decimal_places=1, min_value=0
            )

    def class_rows(self):
        return [(pc, self[f"fee_{pc}"], self[f"online_fee_{pc}"], self[f"hours_{pc}"]) for pc in self.classes]

    def clean(self):
        data = super().clean()
        for pc in self.classes:
            for name, label in ((f"fee_{pc}", _("每人费用")), (f"online_fee_{pc}", _("线上培训费用"))):
                if name in data:
                    try:
                        data[name] = _fen(data[name], f"{pc.label}{label}")
                    except forms.ValidationError as exc:
                        self.add_error(name, exc)
        advance, acceptance = data.get("advance_percent"), data.get("acceptance_percent")
        if advance is not None:
            data["advance_bp"] = _bp(advance)
            if acceptance is not None and _bp(advance) + _bp(acceptance) != BP:
                self.add_error(
                    "acceptance_percent",
                    _("预付比例 %(a)s%% 与验收后支付比例 %(b)s%% 合计须为100%%") % {"a": advance, "b": acceptance},
                )
        return data

    def prices(self):
        from funding.services.budgets import Price

        d = self.cleaned_data
        return [Price(int(pc), d[f"fee_{pc}"], d[f"online_fee_{pc}"], d[f"hours_{pc}"]) for pc in self.classes]


class TenderForm(forms.Form):
    document = forms.CharField(label=_("线上培训招标采购文件"), max_length=200)


class AcceptanceForm(forms.Form):
    """验收: the document is recorded by its number or title (the model keeps text, not a file)."""

    kind = forms.ChoiceField(label=_("验收方式"), choices=AcceptanceKind.choices)
    accepted_on = forms.DateField(label=_("验收日期"), widget=_DATE)
    document = forms.CharField(label=_("验收文件（文号或名称）"), max_length=200)
