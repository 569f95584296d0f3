"""Projects, plans, classes and sessions built through the real services (for the tests of issue 3)."""

import datetime
import itertools
from decimal import Decimal

from tests.factories import EnterpriseFactory, ProviderFactory, TraineeFactory, region_tree, staff_user
from training.models import Modality, PersonnelClass, ProjectStatus, SessionKind, Teacher
from training.roles import Role
from training.services.classes import class_session_create, offline_class_create
from training.services.enrollments import enrollment_create
from training.services.plans import course_add, plan_approve, plan_create, plan_submit
from training.services.projects import project_create

_seq = itertools.count(1)


def project(*, region=None, provider=None, status=ProjectStatus.IN_PROGRESS, code=None):
    region = region or region_tree()[1]
    provider = provider or ProviderFactory(region=region)
    p = project_create(code=code or f"P-{next(_seq)}", name="测试项目", region=region, year=2024, provider=provider)
    if status != p.status:
        p.status = status
        p.save(update_fields=["status"])
    return p


def plan(
    proj,
    personnel_class=PersonnelClass.SAFETY_MANAGER,
    *,
    online="9.6",
    theory="14.4",
    practical="0",
    documentary_hours="2",
    approved=True,
):
    """A plan whose hours are online (incl. the documentary) / offline theory / offline practical; `approved`:
    submitted by the provider's staff and approved by an HR officer of the region, through the services (offline
    credit counts only an approved plan's hours); approved=False leaves it a draft for the plan workflow's tests."""
    p = plan_create(project=proj, personnel_class=personnel_class)
    online = Decimal(online)
    if documentary_hours and Decimal(documentary_hours):
        course_add(
            plan=p,
            title="专题片《生命重于泰山》",
            hours=documentary_hours,
            modality=Modality.ONLINE,
            is_documentary=True,
        )
        online -= Decimal(documentary_hours)
    for hours, modality, title in [
        (online, Modality.ONLINE, "法律法规"),
        (Decimal(theory), Modality.OFFLINE_THEORY, "事故案例研讨"),
        (Decimal(practical), Modality.OFFLINE_PRACTICAL, "应急演练"),
    ]:
        if hours > 0:
            course_add(plan=p, title=title, hours=hours, modality=modality)
    if approved:
        p = plan_submit(plan=p, by=provider_staff(proj))
        p = plan_approve(plan=p, by=staff_user(Role.HR_OFFICER, region=proj.region))
    return p


def offline_class(proj, personnel_class=PersonnelClass.SAFETY_MANAGER, **kwargs):
    return offline_class_create(
        project=proj, personnel_class=personnel_class, code=kwargs.pop("code", f"C-{next(_seq)}"), **kwargs
    )


def session(oc, *, day=datetime.date(2024, 5, 6), start=(9, 0), end=(12, 0), hours=None, kind=SessionKind.THEORY):
    """A session from start to end; given `hours`, it ends that long after start (hours are never typed)."""
    begin = datetime.datetime.combine(day, datetime.time(*start))
    finish = begin + datetime.timedelta(seconds=int(Decimal(str(hours)) * 3600)) if hours else None
    return class_session_create(
        offline_class=oc,
        date=day,
        start=begin.time(),
        end=finish.time() if finish else datetime.time(*end),
        venue="东营培训中心",
        kind=kind,
    )


def trainee(personnel_class=PersonnelClass.SAFETY_MANAGER, **kwargs):
    kwargs.setdefault("enterprise", EnterpriseFactory())
    return TraineeFactory(personnel_class=personnel_class, **kwargs)


def enrol(proj, oc=None, personnel_class=None):
    pc = personnel_class or (oc.personnel_class if oc else PersonnelClass.SAFETY_MANAGER)
    return enrollment_create(project=proj, trainee=trainee(pc), offline_class=oc)


def provider_staff(proj):
    return staff_user(Role.PROVIDER_STAFF, provider=proj.provider)


def teacher(proj):
    return Teacher.objects.create(provider=proj.provider, name="商建华")
