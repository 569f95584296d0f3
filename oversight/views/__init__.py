"""Pages of oversight: thin; reads through oversight.selectors, writes through oversight.services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from oversight import charts, imports, rules, selectors, services
from oversight.forms import BaselineForm, FollowUpForm, ImportForm, TargetForm
from training import tabular
from training.models import Enterprise, PersonnelClass
from training.scope import visible

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _scope_args(request) -> dict:
    return {"region_code": request.GET.get("region") or None, "park_id": request.GET.get("park") or None}


def _scope_query(request) -> str:
    params = {k: request.GET[k] for k in ("region", "park") if request.GET.get(k)}
    return "&".join(f"{k}={v}" for k, v in params.items())


def _xlsx(headers, rows, name: str, sheet: str) -> HttpResponse:
    response = HttpResponse(tabular.xlsx_bytes(headers, rows, sheet_name=sheet), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, f"{name}-{timezone.localdate():%Y%m%d}.xlsx")
    return response


def _dash(value):
    return "—" if value is None else value


# ---- coverage ----

COVERAGE_HEADERS = [
    "地区/园区/企业", "人员类别", "登记人数", "已纳入培训", "已完成培训", "考试合格", "持有效证书",
    "新入职或转岗未培训", "培训基数", "年度目标", "完成比例(%)", "距目标差额", "待审核预警", "已确认预警",
]  # fmt: skip


def coverage_rows(data: selectors.Coverage) -> list[list]:
    """The export's rows: exactly the page's table (each row, each class), then the total."""
    out = []
    for row in [*data.rows, data.total]:
        for index, (personnel_class, cell) in enumerate(row.cells.items()):
            flags = [row.flags_open, row.flags_confirmed] if index == 0 else ["", ""]
            out.append([
                row.label, str(PersonnelClass(personnel_class).label), cell.people, cell.enrolled, cell.trained,
                cell.passed, cell.certified, cell.new_untrained, _dash(cell.baseline), _dash(cell.target),
                _dash(cell.share), _dash(cell.gap), *flags,
            ])  # fmt: skip
    return out


@permission_required("oversight.view_coverage", raise_exception=True)
def coverage_page(request):
    data = selectors.coverage(request.user, **_scope_args(request))
    _region, _park, states = selectors.page_scope(request.user, **_scope_args(request))
    context = {
        "data": data,
        "charts": charts.chart_data(request.user, data, states),
        "classes": PersonnelClass.choices,
        "scope_query": _scope_query(request),
        "new_first": sorted([r for r in data.rows if r.new_untrained], key=lambda r: -r.new_untrained),
    }
    return render(request, "oversight/coverage.html", context)


@permission_required("oversight.view_coverage", raise_exception=True)
def coverage_export(request):
    data = selectors.coverage(request.user, **_scope_args(request))
    return _xlsx(COVERAGE_HEADERS, coverage_rows(data), f"{data.title}-{_('培训覆盖')}", _("培训覆盖"))


# ---- follow-ups ----

FOLLOW_UP_HEADERS = [
    "企业",
    "统一社会信用代码",
    "所在地区",
    "负责督促",
    "登记人数",
    "已纳入培训",
    "已完成培训",
    "尚需培训",
    "最近督促日期",
]


def follow_up_rows(rows) -> list[list]:
    return [
        [b.enterprise.name, b.enterprise.credit_code, b.enterprise.region.full_name, b.responsible, b.people,
         b.enrolled, b.trained, b.to_train, b.last_follow_up.isoformat() if b.last_follow_up else "—"]
        for b in rows
    ]  # fmt: skip


@permission_required("oversight.view_followup", raise_exception=True)
def follow_up_page(request):
    rows = selectors.follow_up_list(request.user, **_scope_args(request))
    context = {"rows": rows, "scope_query": _scope_query(request), "threshold": selectors.behind_threshold()}
    return render(request, "oversight/follow_ups.html", context)


@permission_required("oversight.view_followup", raise_exception=True)
def follow_up_export(request):
    rows = selectors.follow_up_list(request.user, **_scope_args(request))
    return _xlsx(FOLLOW_UP_HEADERS, follow_up_rows(rows), _("重点督促企业"), _("重点督促"))


@permission_required("oversight.view_followup", raise_exception=True)
def follow_up_record(request, enterprise_id):
    enterprise = get_object_or_404(
        visible(request.user, Enterprise.objects.select_related("region", "park")), pk=enterprise_id
    )
    can_record = request.user.has_perm("oversight.record_followup")
    form = FollowUpForm(request.POST or None, initial={"date": timezone.localdate()})
    if request.method == "POST" and can_record and form.is_valid():
        services.record_follow_up(enterprise=enterprise, user=request.user, **form.cleaned_data)
        messages.success(request, _("已记录对%(name)s的督促") % {"name": enterprise.name})
        return redirect(reverse("oversight:follow-ups"))
    context = {
        "enterprise": enterprise,
        "form": form,
        "can_record": can_record,
        "history": selectors.follow_ups(request.user, enterprise),
    }
    return render(request, "oversight/follow_up_record.html", context)


# ---- baselines and targets ----


def target_headers() -> list[str]:
    return ["行政区划代码", "地区", "人员类别", "应培训企业数", "应培训人数", "2020年工伤事故发生率",
            *[f"{y}年目标" for y in range(rules.FIRST_YEAR, rules.FINAL_YEAR + 1)]]  # fmt: skip


def _rate(baseline):
    return "—" if baseline.accident_rate_2020 is None else str(baseline.accident_rate_2020)


def target_rows(rows) -> list[list]:
    return [
        [r.baseline.region.code, r.baseline.region.name, str(r.baseline.get_personnel_class_display()),
         r.baseline.enterprises, r.baseline.people, _rate(r.baseline),
         *[_dash(v) for v in r.targets.values()]]
        for r in rows
    ]  # fmt: skip


@permission_required("oversight.view_baseline", raise_exception=True)
def targets_page(request):
    can_set = request.user.has_perm("oversight.set_target")
    regions = selectors.settable_regions(request.user) if can_set else []
    baseline_form = BaselineForm(regions=regions, prefix="b")
    target_form = TargetForm(regions=regions, prefix="t")
    if request.method == "POST" and can_set:
        by_code = {r.code: r for r in regions}
        kind = request.POST.get("kind")
        form = (
            BaselineForm(request.POST, regions=regions, prefix="b")
            if kind == "baseline"
            else TargetForm(request.POST, regions=regions, prefix="t")
        )
        if form.is_valid():
            data = dict(form.cleaned_data)
            data["region"] = by_code[data["region"]]
            try:
                if kind == "baseline":
                    services.set_baseline(**data)
                else:
                    services.set_target(**data)
            except ValidationError as e:
                for message in e.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, _("已保存"))
                return redirect(reverse("oversight:targets"))
        if kind == "baseline":
            baseline_form = form
        else:
            target_form = form
    context = {
        "rows": selectors.baseline_rows(request.user, **_scope_args(request)),
        "years": list(range(rules.FIRST_YEAR, rules.FINAL_YEAR + 1)),
        "can_set": can_set,
        "baseline_form": baseline_form,
        "target_form": target_form,
        "scope_query": _scope_query(request),
    }
    return render(request, "oversight/targets.html", context)


@permission_required("oversight.view_baseline", raise_exception=True)
def targets_export(request):
    rows = selectors.baseline_rows(request.user, **_scope_args(request))
    return _xlsx(target_headers(), target_rows(rows), _("培训基数与目标"), _("基数与目标"))


@permission_required("oversight.set_target", raise_exception=True)
def targets_template(request):
    response = HttpResponse(imports.template_bytes(), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, "培训基数与目标模板.xlsx")
    return response


@permission_required("oversight.set_target", raise_exception=True)
def targets_import(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            count = imports.import_baselines(request.user, form.cleaned_data["file"])
        except imports.ImportRefused as e:
            errors = e.lines
        else:
            messages.success(request, _("已导入%(n)d行") % {"n": count})
            return redirect(reverse("oversight:targets"))
    return render(request, "oversight/targets_import.html", {"form": form, "errors": errors})
