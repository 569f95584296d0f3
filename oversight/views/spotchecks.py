"""Pages of spot checks and revisits (随机抽查, 培训回访) for third-party auditors, phone-first: their projects, a
random draw, the sampled sessions and learners, and the forms to record a check or a revisit. Thin: reads through
oversight.selectors.spotchecks, writes through oversight.services.spotchecks; scoped (an object outside the
auditor's projects is a 404)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from oversight.forms import RevisitForm, SpotCheckForm
from oversight.models import Revisit, SpotCheck
from oversight.selectors import spotchecks as selectors
from oversight.services import spotchecks as services
from training.scope import visible


def _errors(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


@permission_required("oversight.view_spotcheck", raise_exception=True)
def audit_home(request):
    projects = list(selectors.auditable_projects(request.user))
    context = {
        "projects": projects,
        "checks": selectors.spot_checks(request.user)[:20],
        "revisits": selectors.revisits(request.user)[:20],
        "summary": selectors.findings_summary(request.user),
        "can_draw": request.user.has_perm("oversight.draw_sample"),
    }
    return render(request, "oversight/audit_home.html", context)


@permission_required("oversight.view_spotcheck", raise_exception=True)
def audit_project(request, pk):
    project = get_object_or_404(selectors.auditable_projects(request.user), pk=pk)
    draw = selectors.draws(request.user, project).first()
    checked = selectors.checked_ids(draw) if draw else (set(), set())
    context = {
        "project": project,
        "draw": draw,
        "sessions": selectors.sessions_with_attendance(draw.session_ids) if draw else [],
        "learners": selectors.enrollments_in_order(draw.enrollment_ids) if draw else [],
        "checked_sessions": checked[0],
        "revisited": checked[1],
        "checks": selectors.spot_checks(request.user, project=project),
        "revisits": selectors.revisits(request.user, project=project),
        "sizes": selectors.sample_sizes(),
        "can_draw": request.user.has_perm("oversight.draw_sample"),
    }
    return render(request, "oversight/audit_project.html", context)


@require_POST
@permission_required("oversight.draw_sample", raise_exception=True)
def audit_draw(request, pk):
    project = get_object_or_404(selectors.auditable_projects(request.user), pk=pk)
    try:
        draw = services.sample_draw(project=project, user=request.user)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(
            request,
            _("已随机抽取%(s)d个班次、%(n)d名学员（随机种子%(seed)d）")
            % {"s": len(draw.session_ids), "n": len(draw.enrollment_ids), "seed": draw.seed},
        )
    return redirect("oversight:audit-project", pk=project.pk)


@permission_required("oversight.view_sampledraw", raise_exception=True)
def audit_draw_detail(request, pk):
    draw = get_object_or_404(selectors.draws(request.user).select_related("project"), pk=pk)
    sessions, learners = services.sample_redraw(draw)
    context = {
        "draw": draw,
        "same": sessions == draw.session_ids and learners == draw.enrollment_ids,
        "sessions": selectors.sessions_with_attendance(draw.session_ids),
        "learners": selectors.enrollments_in_order(draw.enrollment_ids),
    }
    return render(request, "oversight/audit_draw.html", context)


def _draw_of(request, project_id):
    """The auditor's latest draw of the project, if any: a record made from it is linked to it."""
    return selectors.draws(request.user).filter(project_id=project_id).first()


@permission_required("oversight.view_spotcheck", raise_exception=True)
def spot_check_record(request, session_pk):
    session = get_object_or_404(selectors.scoped_sessions(request.user), pk=session_pk)
    project = session.offline_class.project
    recorded, roster = selectors.attendance_figures(session)
    can_record = request.user.has_perm("oversight.add_spotcheck")
    form = SpotCheckForm(request.POST or None, request.FILES or None, initial={"checked_on": timezone.localdate()})
    if request.method == "POST":
        if not can_record:
            raise PermissionDenied
        if form.is_valid():
            draw = _draw_of(request, project.pk)
            try:
                services.spot_check_record(
                    session=session,
                    user=request.user,
                    draw=draw if draw and session.pk in draw.session_ids else None,
                    **form.cleaned_data,
                )
            except ValidationError as exc:
                _errors(request, exc)
            else:
                messages.success(request, _("已记录抽查：%(session)s") % {"session": session})
                return redirect("oversight:audit-project", pk=project.pk)
    context = {
        "session": session,
        "project": project,
        "recorded": recorded,
        "roster": roster,
        "form": form,
        "can_record": can_record,
        "history": selectors.spot_checks(request.user, session=session),
    }
    return render(request, "oversight/spot_check_record.html", context)


@permission_required("oversight.view_revisit", raise_exception=True)
def revisit_record(request, enrollment_pk):
    enrollment = get_object_or_404(selectors.scoped_enrollments(request.user), pk=enrollment_pk)
    can_record = request.user.has_perm("oversight.add_revisit")
    form = RevisitForm(request.POST or None, request.FILES or None, initial={"revisited_on": timezone.localdate()})
    if request.method == "POST":
        if not can_record:
            raise PermissionDenied
        if form.is_valid():
            draw = _draw_of(request, enrollment.project_id)
            try:
                revisit = services.revisit_record(
                    enrollment=enrollment,
                    user=request.user,
                    draw=draw if draw and enrollment.pk in draw.enrollment_ids else None,
                    **form.cleaned_data,
                )
            except ValidationError as exc:
                _errors(request, exc)
            else:
                if revisit.flag_id:
                    messages.warning(
                        request,
                        _("回访发现未参训学习，已生成异常记录 #%(flag)d 交学习异常审核（涉及%(hours)s学时）")
                        % {"flag": revisit.flag_id, "hours": revisit.hours_at_stake},
                    )
                else:
                    messages.success(request, _("已记录回访：%(name)s") % {"name": enrollment.trainee.name})
                return redirect("oversight:audit-project", pk=enrollment.project_id)
    context = {
        "enrollment": enrollment,
        "hours": selectors.credited_hours(enrollment),
        "form": form,
        "can_record": can_record,
        "history": selectors.revisits(request.user, enrollment=enrollment),
    }
    return render(request, "oversight/revisit_record.html", context)


@permission_required("oversight.view_spotcheck", raise_exception=True)
def evidence(request, kind, pk):
    """An evidence photo, to whoever may see its record (scoped)."""
    model = {"spot-check": SpotCheck, "revisit": Revisit}.get(kind)
    if model is None:
        raise Http404
    record = get_object_or_404(visible(request.user, model.objects.all()), pk=pk)
    if not record.evidence:
        raise Http404
    return FileResponse(record.evidence.open("rb"), filename=record.evidence.name.rsplit("/", 1)[-1])
