"""The yearly progress report (按年度调度, SPEC 四(二)) of a region or park, in the viewer's scope: coverage by
personnel class and by subregion against the baselines and the year's targets, exam pass rates, flags, the
providers evaluated, and the fund's figures where the funding app has them.

One list of sections (title, headers, rows) feeds both outputs, so the xlsx and the PDF hold the same figures:
the xlsx writes one sheet per section through training/tabular.py (every cell neutralised), the PDF is the HTML
page templates/oversight/report.html rendered by WeasyPrint with Debian's Noto CJK fonts (fonts-noto-cjk)."""

from __future__ import annotations

import datetime
import io
import re
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from funding import tallies
from funding.rules import yuan
from oversight import charts, rules, selectors
from oversight.models import CreditScore
from training import tabular
from training.models import EnrollmentStatus, PersonnelClass

FIGURE = re.compile(r"^(—|-?[\d,]+(\.\d+)?)$")  # a number, an amount ("1,234.00") or "—"


@dataclass
class Section:
    title: str
    headers: list[str]
    rows: list[list]
    note: str = ""

    @property
    def cells(self) -> list[list[tuple[object, bool]]]:
        """The rows for a page: each cell with whether it is a figure (aligned right)."""
        return [[(c, isinstance(c, int | float) or bool(FIGURE.match(str(c)))) for c in row] for row in self.rows]


@dataclass
class Report:
    title: str
    year: int
    made_on: datetime.date
    sections: list[Section] = field(default_factory=list)


def _dash(value):
    return "—" if value is None else value


def _pct(part: int, whole: int | None):
    return round(part * 100 / whole, 1) if whole else "—"


def _in_year(states, date_field: str, year: int) -> dict[int, int]:
    """People per class whose first `date_field` (trained_on, passed_on) falls in `year`."""
    rows = states.filter(**{f"{date_field}__year": year}).values("personnel_class").annotate(n=Count("pk"))
    return {r["personnel_class"]: r["n"] for r in rows.order_by()}


def _by_class(data: selectors.Coverage, states, year: int) -> Section:
    trained_year = _in_year(states, "trained_on", year)
    passed_year = _in_year(states, "passed_on", year)
    rows = []
    summed = False
    for value, label in PersonnelClass.choices:
        cell = data.total.cells[value]
        baseline, target = cell.baseline, cell.target
        if baseline is None and any(r.cells[value].baseline is not None for r in data.rows):
            # a region without its own figures (a province): the sum of what its subregions committed to
            baseline = sum(r.cells[value].baseline or 0 for r in data.rows)
            target = sum(r.cells[value].target or 0 for r in data.rows)
            summed = True
        rows.append([
            str(label), _dash(baseline), _dash(target), cell.people, cell.enrolled, cell.trained,
            trained_year.get(value, 0), cell.passed, passed_year.get(value, 0), cell.certified,
            _dash(rules.share(cell.trained, baseline or 0)), _dash(rules.gap(cell.trained, target)),
        ])  # fmt: skip
    headers = [
        _("人员类别"), _("培训基数"), _("%(year)d年目标") % {"year": year}, _("登记人数"), _("已纳入培训"),
        _("已完成培训（累计）"), _("%(year)d年完成培训") % {"year": year}, _("考试合格（累计）"),
        _("%(year)d年考试合格") % {"year": year}, _("持有效证书"), _("完成比例(%)"), _("距目标差额"),
    ]  # fmt: skip
    note = _("完成比例 = 已完成培训人数 ÷ 培训基数；差额 = 年度目标 − 已完成培训人数。")
    if summed:
        note += _("本级未设基数与目标，按下级地区合计。")
    return Section(_("一、分类别覆盖情况"), headers, rows, note)


def _by_subregion(data: selectors.Coverage) -> Section:
    rows = []
    for row in data.rows:
        for value, label in PersonnelClass.choices:
            cell = row.cells[value]
            rows.append([
                row.label, str(label), _dash(cell.baseline), _dash(cell.target), cell.people, cell.trained,
                cell.passed, _dash(cell.share), _dash(cell.gap),
            ])  # fmt: skip
    headers = [_("下级地区/园区/企业"), _("人员类别"), _("培训基数"), _("年度目标"), _("登记人数"),
               _("已完成培训"), _("考试合格"), _("完成比例(%)"), _("距目标差额")]  # fmt: skip
    return Section(_("二、分地区覆盖情况"), headers, rows)


def _pass_rates(enrollments) -> Section:
    rows = []
    counts = {
        r["trainee__personnel_class"]: r
        for r in enrollments.exclude(status=EnrollmentStatus.WITHDRAWN)
        .values("trainee__personnel_class")
        .annotate(
            trained=Count("pk", filter=Q(trained_on__isnull=False)),
            passed=Count("pk", filter=Q(exam_passed_on__isnull=False)),
        )
    }
    sat = charts.sat_by_class(enrollments)
    for value, label in PersonnelClass.choices:
        c = counts.get(value, {"trained": 0, "passed": 0})
        n = sat.get(value, 0)
        rows.append([str(label), c["trained"], n, c["passed"], _pct(c["passed"], n)])
    headers = [_("人员类别"), _("已完成培训"), _("参加考试"), _("考试合格"), _("考试合格率(%)")]
    return Section(_("三、考试合格率"), headers, rows)


def _flags(data: selectors.Coverage) -> Section:
    rows = [[row.label, row.flags_open, row.flags_confirmed] for row in data.rows]
    rows.append([_("合计：%(name)s") % {"name": data.total.label}, data.total.flags_open, data.total.flags_confirmed])
    return Section(_("四、学习异常预警"), [_("地区/园区/企业"), _("待审核预警"), _("已确认预警")], rows)


def _latest_scores(provider_ids: list[int]) -> dict[int, object]:
    """The latest credit score of each provider (信用体系, oversight.models.CreditScore), one query."""
    latest: dict[int, object] = {}
    rows = CreditScore.objects.filter(provider_id__in=provider_ids).order_by("provider_id", "-computed_at", "-pk")
    for row in rows.values("provider_id", "score"):
        latest.setdefault(row["provider_id"], row["score"])
    return latest


def _providers(user, enrollments) -> Section:
    found = charts.providers(user, enrollments)
    scores = _latest_scores([p.provider_id for p in found if p.provider_id])
    rows = [
        [p.name, p.enrolled, p.trained, p.sat, p.passed, _dash(p.percent), p.flags_confirmed,
         _dash(scores.get(p.provider_id) and float(scores[p.provider_id]))]
        for p in found
    ]  # fmt: skip
    headers = [_("培训机构"), _("纳入培训"), _("已完成培训"), _("参加考试"), _("考试合格"), _("考试合格率(%)"),
               _("已确认预警"), _("信用分")]  # fmt: skip
    note = _("按考试合格率排列；已确认预警为审核确认的代学、挂课等；信用分为最近一次计算（见信用评价页）。")
    return Section(_("五、培训机构评价"), headers, rows, note)


def _funds(region, year: int) -> Section:
    note = _("资金数据来自工伤预防费台账，统计口径为本地区及下级地区。")
    if region is None:
        return Section(_("六、资金使用"), [], [], _("园区不单独核算资金，见所在地区的报告。"))
    year_filter = tallies.Filters(
        region=region, date_from=datetime.date(year, 1, 1), date_to=datetime.date(year, 12, 31)
    )
    rows = []
    for label, figures in (
        (_("%(year)d年") % {"year": year}, tallies.totals(year_filter)),
        (_("累计"), tallies.totals(tallies.Filters(region=region))),
    ):
        rows += [
            [label + _("预留"), yuan(figures["reserved_fen"])],
            [label + _("支付"), yuan(figures["paid_fen"])],
            [label + _("冲销与追回"), yuan(figures["reversed_fen"])],
            [label + _("净支付"), yuan(figures["net_paid_fen"])],
        ]
    for b in tallies.budget_use(tallies.Filters(region=region)):
        if b["year"] == year:
            rows.append([_("%(region)s %(year)d年预算上限") % b, yuan(b["cap_fen"])])
            rows.append([_("%(region)s 已预留占比(%%)") % b, b["used_percent"]])
    return Section(_("六、资金使用（元）"), [_("项目"), _("金额/数值")], rows, note)


def yearly_report(user, *, region_code: str | None = None, park_id: str | None = None) -> Report:
    data = selectors.coverage(user, region_code=region_code, park_id=park_id)
    region, park, states = selectors.page_scope(user, region_code=region_code, park_id=park_id)
    enrollments = charts.enrollments_in_view(states)
    year = data.year
    report = Report(
        title=_("%(name)s %(year)d年度危险化学品企业工伤预防能力提升培训进度报告")
        % {"name": data.title, "year": year},
        year=year,
        made_on=timezone.localdate(),
    )
    report.sections = [
        _by_class(data, states, year),
        _by_subregion(data),
        _pass_rates(enrollments),
        _flags(data),
        _providers(user, enrollments),
        _funds(region if park is None else None, year),
    ]
    return report


def report_xlsx(report: Report) -> bytes:
    """One sheet per section: its title, then its headers (bold) and rows, every cell neutralised."""
    out = io.BytesIO()
    book = tabular.xlsx_workbook(out)
    bold = book.add_format({"bold": True})
    cover = book.add_worksheet(_("报告"))
    tabular.write_rows(cover, [[report.title], [_("统计日期"), report.made_on.isoformat()]], cell_format=bold)
    for index, section in enumerate(report.sections, start=1):
        sheet = book.add_worksheet(f"{index}-{section.title[2:]}"[:31])
        at = tabular.write_rows(sheet, [[section.title]], cell_format=bold)
        if section.headers:
            at = tabular.write_rows(sheet, [section.headers], first_row=at, cell_format=bold)
        at = tabular.write_rows(sheet, section.rows, first_row=at)
        if section.note:
            tabular.write_rows(sheet, [[section.note]], first_row=at + 1)
    book.close()
    return out.getvalue()


def report_html(report: Report) -> str:
    return render_to_string("oversight/report.html", {"report": report})


def report_pdf(report: Report) -> bytes:
    from weasyprint import HTML  # imported here: loading it costs a second, only the PDF needs it

    return HTML(string=report_html(report)).write_pdf()
