"""The one mechanism that decides which rows a user may see or change.

Every model that holds scoped data declares `scope_paths = ScopePaths(...)`: for each kind of binding a user
can have (a region, a chemical park, a provider, assigned projects, being a trainee) the ORM lookups that lead
from the model to that binding. `visible(user, queryset)` applies the user's binding. Pages, admin changelists
and change views, exports, selectors and commands all call it; a model without `scope_paths` is visible to
superusers only.

Regions nest province → city → county; an officer bound to a region sees it and every region below it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from training.roles import REGION_ROLES, Role


@dataclass(frozen=True)
class ScopePaths:
    """Lookups from a model to each kind of binding. "" means the model is that thing itself."""

    region: tuple[str, ...] = ()  # to a Region
    park: tuple[str, ...] = ()  # to a ChemicalPark
    provider: tuple[str, ...] = ()  # to a Provider
    project: tuple[str, ...] = ()  # to a TrainingProject (auditors and experts are bound to projects)
    trainee: tuple[str, ...] = ()  # to a Trainee (a trainee sees their own records)

    def through(self, relation: str) -> ScopePaths:
        """The same lookups from a model that reaches this one through `relation` (a record of an enrolment:
        `ENROLLMENT_PATHS.through("enrollment")`)."""
        return ScopePaths(**{kind: tuple(f"{relation}__{p}" for p in paths) for kind, paths in vars(self).items()})


# An enrolment is seen by its project's region, park, provider and assigned auditors, the park of the trainee's
# enterprise, and the trainee; every record of an enrolment is seen by the same people (`.through("enrollment")`).
ENROLLMENT_PATHS = ScopePaths(
    region=("project__region",),
    park=("project__park", "trainee__enterprise__park"),
    provider=("project__provider",),
    project=("project",),
    trainee=("trainee",),
)


def region_subtree(region) -> QuerySet:
    """The region and every region below it (three levels: province → city → county)."""
    from training.models import Region

    return Region.objects.filter(Q(pk=region.pk) | Q(parent=region.pk) | Q(parent__parent=region.pk)).values("pk")


def _binding(user) -> tuple[str, object] | None:
    """Which kind of binding the user has, and the value (a queryset of ids or a list of one id)."""
    role = user.role
    if role in REGION_ROLES and user.region_id:
        return "region", region_subtree(user.region)
    if role == Role.PARK_OFFICER and user.park_id:
        return "park", [user.park_id]
    if role == Role.PROVIDER_STAFF and user.provider_id:
        return "provider", [user.provider_id]
    if role == Role.AUDITOR:
        return "project", user.audited_projects.values("pk")
    if role == Role.EXPERT:
        return "project", user.reviewed_projects.values("pk")
    if role == Role.TRAINEE and user.trainee_id:
        return "trainee", [user.trainee_id]
    return None


def binding_kind(user) -> str | None:
    """What the user's scope is bound to: "region", "park", "provider", "project", "trainee"; None for a
    superuser (who sees everything) or an account bound to nothing."""
    if not user.is_authenticated or user.is_superuser:
        return None
    binding = _binding(user)
    return binding[0] if binding else None


def scope_condition(user, model) -> Q | None:
    """The filter on `model` for `user`: None means everything, Q(pk__in=[]) means nothing."""
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if user.is_superuser:
        return None
    binding = _binding(user)
    paths: ScopePaths | None = getattr(model, "scope_paths", None)
    if binding is None or paths is None:
        return Q(pk__in=[])
    kind, value = binding
    lookups = getattr(paths, kind)
    if not lookups:
        return Q(pk__in=[])
    condition = Q()
    for lookup in lookups:
        condition |= Q(**{f"{lookup or 'pk'}__in": value})
    return condition


def visible(user, queryset: QuerySet) -> QuerySet:
    """The rows of `queryset` that `user` may see. Multi-valued paths never duplicate rows."""
    condition = scope_condition(user, queryset.model)
    if condition is None:
        return queryset
    inner = queryset.model._default_manager.filter(condition).values("pk")
    return queryset.filter(pk__in=inner)


def is_visible(user, obj) -> bool:
    return visible(user, type(obj)._default_manager.filter(pk=obj.pk)).exists()


def assignable_accounts(user, role) -> QuerySet:
    """Accounts of `role` (auditors, experts) that `user` may assign to projects: never another role, never an
    inactive account; for an officer bound to a region, only accounts not bound to a region or bound to the
    officer's region, above it or below it. Accounts already assigned to projects the user sees stay listed."""
    from training.models import TrainingProject, User

    if not user.is_authenticated or not user.is_active:
        return User.objects.none()
    accounts = User.objects.filter(role=role, is_active=True, is_superuser=False)
    if user.is_superuser:
        return accounts
    binding = _binding(user)
    near = Q(region__isnull=True)
    if binding and binding[0] == "region":
        region = user.region
        above = [pk for pk in (region.parent_id, region.parent.parent_id if region.parent_id else None) if pk]
        near |= Q(region__in=binding[1]) | Q(region__in=above)
    projects = visible(user, TrainingProject.objects.all()).values("pk")
    assigned = Q(audited_projects__in=projects) | Q(reviewed_projects__in=projects)
    return accounts.filter(pk__in=User.objects.filter(near | assigned).values("pk"))
