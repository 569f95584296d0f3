"""Thin views: each reads through a selector that starts from `visible` (training/scope.py)."""

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from training.forms import EnterpriseFilterForm, SignInForm, TraineeFilterForm
from training.models import Enrollment, Enterprise, Trainee
from training.roles import role_label
from training.scope import binding_kind, visible
from training.selectors import dashboard, lists

PAGE_SIZE = 50


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    redirect_authenticated_user = True


@login_required
def home(request):
    user = request.user
    if binding_kind(user) == "trainee":
        return render(
            request,
            "training/home_trainee.html",
            {**dashboard.trainee_home(user), "steps": dashboard.next_steps(user)},
        )
    context = {
        "steps": dashboard.next_steps(user),
        "counts": dashboard.home_counts(user),
        "area_rows": dashboard.area_rows(user),
        "project_rows": dashboard.project_rows(user),
        "panels": dashboard.home_panels(user),
        "role_label": role_label(user),
    }
    return render(request, "training/home.html", context)


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _query_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@permission_required("training.view_trainee", raise_exception=True)
def trainee_list(request):
    form = TraineeFilterForm(request.GET or None, enterprise_choices=lists.enterprise_choices(request.user))
    filters = form.cleaned_data if form.is_valid() else {}
    trainees = lists.trainee_list(
        request.user,
        personnel_class=filters.get("personnel_class"),
        enterprise_id=filters.get("enterprise"),
        q=filters.get("q", ""),
        region_id=filters.get("region"),
        on_roster=filters.get("on_roster"),
        priority=filters.get("priority"),
    )
    context = {"form": form, "page": _page(request, trainees), "query": _query_without_page(request)}
    return render(request, "training/trainee_list.html", context)


@permission_required("training.view_trainee", raise_exception=True)
def trainee_detail(request, pk):
    trainee = get_object_or_404(visible(request.user, Trainee.objects.select_related("enterprise")), pk=pk)
    enrollments = visible(request.user, Enrollment.objects.filter(trainee=trainee)).select_related("project")
    return render(request, "training/trainee_detail.html", {"trainee": trainee, "enrollments": enrollments})


@permission_required("training.view_enterprise", raise_exception=True)
def enterprise_list(request):
    form = EnterpriseFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    enterprises = lists.enterprise_list(
        request.user,
        kind=filters.get("kind", ""),
        major_hazard=filters.get("major_hazard"),
        q=filters.get("q", ""),
        region_id=filters.get("region"),
    )
    context = {"form": form, "page": _page(request, enterprises), "query": _query_without_page(request)}
    return render(request, "training/enterprise_list.html", context)


@permission_required("training.view_enterprise", raise_exception=True)
def enterprise_detail(request, pk):
    enterprise = get_object_or_404(
        visible(request.user, Enterprise.objects.select_related("region__parent__parent", "park")), pk=pk
    )
    trainees = visible(request.user, Trainee.objects.filter(enterprise=enterprise)).order_by("personnel_class", "name")
    can_see_trainees = request.user.has_perm("training.view_trainee")
    # Paged: a large enterprise has a thousand people or more (one page of 1,012 rows was 42,000 px tall).
    context = {
        "enterprise": enterprise,
        "page": _page(request, trainees) if can_see_trainees else None,
        "query": _query_without_page(request),
    }
    return render(request, "training/enterprise_detail.html", context)


def public_removed_providers(request):
    """Anyone may read which providers were removed and why (三(三) 公开曝光)."""
    return render(request, "training/removed_providers.html", {"providers": dashboard.removed_providers()})
