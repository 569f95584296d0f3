"""Project and plan pages (thin: scope via visible(), writes via training.services)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from training.forms import ContractForm, CourseForm, PlanReviewForm, ReviewForm
from training.models import PersonnelClass, ProjectStatus, ServiceContract, TrainingPlan, TrainingProject
from training.scope import visible
from training.selectors.plans import plan_check
from training.services import plans as plan_services
from training.services.projects import (
    allowed_transitions,
    contract_save,
    expert_review_submit,
    project_transition,
)


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
    projects = projects.annotate(
        n_enrolled=Count("enrollments", distinct=True), n_classes=Count("offline_classes", distinct=True)
    )
    return render(request, "training/project_list.html", {"projects": projects})


@login_required
def project_detail(request, pk):
    project = _project(request, pk)
    contract = ServiceContract.objects.filter(project=project).first()
    plans = list(project.plans.prefetch_related("courses").select_related("rule_set"))
    is_reviewer = project.status == ProjectStatus.EXPERT_REVIEW and project.experts.filter(pk=request.user.pk).exists()
    context = {
        "project": project,
        "contract": contract,
        "planned": [(label, contract.planned(v), contract.fee(v)) for v, label in PersonnelClass.choices]
        if contract
        else [],
        "reviews": project.reviews.select_related("expert"),
        "changes": project.status_changes.select_related("changed_by"),
        "transitions": [(s, ProjectStatus(s).label) for s in allowed_transitions(request.user, project)],
        "plans": [(plan, plan_check(plan)) for plan in plans],
        "classes": visible(request.user, project.offline_classes.annotate(n=Count("enrollments")).order_by("code")),
        "review_form": ReviewForm() if is_reviewer else None,
        "can_edit_contract": request.user.has_perm("training.manage_contract"),
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
