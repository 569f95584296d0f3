"""Project and plan pages (thin: scope via visible(), writes via training.services)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from training import tabular
from training.forms import ContractForm, CourseForm, PlanReviewForm, ReviewForm, RosterFilterForm
from training.models import (
    Enrollment,
    PersonnelClass,
    ProjectStatus,
    ServiceContract,
    TrainingPlan,
    TrainingProject,
)
from training.scope import visible
from training.selectors.dashboard import WAITING_FOR_DECISION
from training.selectors.plans import plan_check
from training.selectors.roster import (
    EXPORT_HEADERS,
    class_choices,
    export_rows,
    roster_enrollments,
    with_progress,
)
from training.services import plans as plan_services
from training.services.enrollments import enrollment_assign_class
from training.services.projects import (
    allowed_transitions,
    contract_save,
    expert_review_submit,
    project_transition,
)

PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _project(request, pk):
    return get_object_or_404(
        visible(request.user, TrainingProject.objects.select_related("region", "provider")), pk=pk
    )


def _errors(request, exc: ValidationError):
    for message in exc.messages:
        messages.error(request, message)


@login_required
def project_list(request):
    projects = visible(request.user, TrainingProject.objects.select_related("region", "provider", "park"))
    status = request.GET.get("status", "")
    if status == "waiting":  # the home page's "projects waiting for a decision"
        projects = projects.filter(status__in=WAITING_FOR_DECISION)
    elif status in ProjectStatus.values:
        projects = projects.filter(status=status)
    projects = projects.annotate(
        n_enrolled=Count("enrollments", distinct=True), n_classes=Count("offline_classes", distinct=True)
    ).order_by("-year", "code")
    context = {
        "page": Paginator(projects, PAGE_SIZE).get_page(request.GET.get("page")),
        "query": _query_without_page(request),
        "status": status,
        "statuses": [("waiting", _("等待决定")), *ProjectStatus.choices],
    }
    return render(request, "training/project_list.html", context)


def _query_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def _roster_filters(request, project, params=None):
    params = request.GET if params is None else params
    form = RosterFilterForm(params or None, class_choices=class_choices(request.user, project))
    filters = form.cleaned_data if form.is_valid() else {}
    rows = roster_enrollments(
        request.user,
        project,
        status=filters.get("status", ""),
        offline_class=filters.get("offline_class", ""),
        personnel_class=filters.get("personnel_class"),
        q=filters.get("q", ""),
    )
    return form, rows


@login_required
def project_roster_export(request, pk):
    """The filtered roster as xlsx: every row that the page's filters select, with hours and completion."""
    project = _project(request, pk)
    _form, rows = _roster_filters(request, project)
    data = tabular.xlsx_bytes(EXPORT_HEADERS, export_rows(with_progress(rows)), sheet_name=_("花名册"))
    name = f"{project.code}-{_('花名册')}-{timezone.localdate():%Y%m%d}.xlsx"
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


@login_required
@require_POST
def project_assign_class(request, pk):
    """Put people of the roster into an offline class, singly or in bulk, each through enrollment_assign_class
    (the class's capacity is checked under its row lock: when the class fills, the rest are refused with why)."""
    project = _project(request, pk)
    if not request.user.has_perm("training.form_class"):
        raise PermissionDenied(_("仅承办培训机构的工作人员可以分班"))
    target = get_object_or_404(class_choices(request.user, project), pk=request.POST.get("offline_class") or 0)
    if request.POST.get("all"):  # every row the roster's filters select (e.g. all people in no class)
        filtered = _roster_filters(request, project, QueryDict(request.POST.get("query", "")))[1]
        ids = list(filtered.values_list("pk", flat=True))
    else:
        ids = [int(x) for x in request.POST.getlist("enrollment") if x.isdigit()]
    chosen = visible(request.user, Enrollment.objects.filter(project=project, pk__in=ids)).select_related("trainee")
    placed, refused = 0, []
    for enrollment in chosen:
        try:
            enrollment_assign_class(enrollment=enrollment, offline_class=target)
            placed += 1
        except ValidationError as exc:
            refused.append(f"{enrollment.trainee.name}：{'；'.join(exc.messages)}")
    if placed:
        messages.success(request, _("已分入班级 %(code)s：%(n)d 人") % {"code": target.code, "n": placed})
    for line in refused:
        messages.error(request, line)
    if not ids:
        messages.error(request, _("请先勾选要分班的学员"))
    back = QueryDict(request.POST.get("query", "")).urlencode()  # the roster's filters, re-encoded (never a URL)
    return redirect(f"{reverse('project-detail', args=[project.pk])}?{back}#roster")


@login_required
def project_detail(request, pk):
    project = _project(request, pk)
    roster_form, roster_rows = _roster_filters(request, project)
    roster_page = Paginator(roster_rows, PAGE_SIZE).get_page(request.GET.get("page"))
    contract = ServiceContract.objects.filter(project=project).first()
    plans = list(project.plans.prefetch_related("courses").select_related("rule_set"))
    is_reviewer = project.status == ProjectStatus.EXPERT_REVIEW and project.experts.filter(pk=request.user.pk).exists()
    context = {
        "project": project,
        "contract": contract,
        "reviews": project.reviews.select_related("expert"),
        "changes": project.status_changes.select_related("changed_by"),
        "transitions": [(s, ProjectStatus(s).label) for s in allowed_transitions(request.user, project)],
        "plans": [(plan, plan_check(plan)) for plan in plans],
        "classes": visible(request.user, project.offline_classes.annotate(n=Count("enrollments")).order_by("code")),
        "review_form": ReviewForm() if is_reviewer else None,
        "can_edit_contract": request.user.has_perm("training.manage_contract"),
        "roster_form": roster_form,
        "roster_page": roster_page,
        "roster_rows": with_progress(roster_page.object_list),
        "roster_query": _query_without_page(request),
        "roster_classes": class_choices(request.user, project),
        "can_assign": request.user.has_perm("training.form_class"),
        "fees": [
            _("%(label)s：%(n)s 人，%(fee)s 元/人") % {"label": label, "n": n, "fee": fee}
            for label, n, fee in (
                [(label, contract.planned(v), contract.fee(v)) for v, label in PersonnelClass.choices]
                if contract
                else []
            )
        ],
    }
    return render(request, "training/project_detail.html", context)


@login_required
@require_POST
def project_transition_view(request, pk):
    project = _project(request, pk)
    try:
        project_transition(
            project=project,
            to_status=request.POST.get("to_status", ""),
            by=request.user,
            note=request.POST.get("note", ""),
        )
        messages.success(request, "项目状态已更新")
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("project-detail", pk=project.pk)


@login_required
@require_POST
def project_review_view(request, pk):
    project = _project(request, pk)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            expert_review_submit(
                project=project,
                expert=request.user,
                score=form.cleaned_data["score"],
                comment=form.cleaned_data["comment"],
            )
            messages.success(request, "评审意见已提交")
        except ValidationError as exc:
            _errors(request, exc)
    else:
        messages.error(request, "评分：请填写 0–100 的整数")
    return redirect("project-detail", pk=project.pk)


@login_required
def contract_edit(request, pk):
    project = _project(request, pk)
    if not request.user.has_perm("training.manage_contract"):
        messages.error(request, "服务合同须由项目所在地人社或应急管理部门录入")
        return redirect("project-detail", pk=project.pk)
    instance = ServiceContract.objects.filter(project=project).first()
    form = ContractForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            fields = {name: form.cleaned_data[name] for name in form.fields}
            contract_save(project=project, by=request.user, **fields)
            messages.success(request, "服务合同已保存")
            return redirect("project-detail", pk=project.pk)
        except ValidationError as exc:
            _errors(request, exc)
    return render(request, "training/contract_form.html", {"project": project, "form": form})


def _plan(request, pk):
    plans = TrainingPlan.objects.select_related("project__region", "rule_set", "submitted_by", "reviewed_by")
    return get_object_or_404(visible(request.user, plans), pk=pk)


@login_required
def plan_detail(request, pk):
    plan = _plan(request, pk)
    user = request.user
    editable = plan.status in plan_services.EDITABLE and user.has_perm("training.author_plan")
    reviewable = plan.status == "submitted" and user.has_perm("training.approve_plan")
    context = {
        "plan": plan,
        "courses": plan.courses.all(),
        "check": plan_check(plan),
        "course_form": CourseForm() if editable else None,
        "review_form": PlanReviewForm() if reviewable else None,
        "editable": editable,
    }
    return render(request, "training/plan_detail.html", context)


@login_required
@require_POST
def plan_action(request, pk, action):
    plan = _plan(request, pk)
    comment = request.POST.get("comment", "")
    try:
        if action == "course":
            form = CourseForm(request.POST)
            if not form.is_valid():
                raise ValidationError(
                    [f"{form.fields[f].label}：{e}" for f, errs in form.errors.items() for e in errs]
                )
            plan_services.course_add(plan=plan, by=request.user, **form.cleaned_data)
        elif action == "submit":
            plan_services.plan_submit(plan=plan, by=request.user)
        elif action == "approve":
            plan_services.plan_approve(plan=plan, by=request.user, comment=comment)
        elif action == "return":
            plan_services.plan_return(plan=plan, by=request.user, comment=comment)
        else:
            raise ValidationError(f"未知的操作“{action}”，未保存任何内容")
        messages.success(request, "已保存")
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("plan-detail", pk=plan.pk)
