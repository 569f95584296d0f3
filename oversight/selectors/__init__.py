"""Reads of oversight: coverage against baselines and targets, and the follow-up list (issue 11).

Everything is computed by aggregate queries: one GROUP BY over the trainees' coverage states (CoverageState, one
row per trainee kept current by database triggers: by region, park or enterprise, and personnel class), one over
flags, one over baselines and targets; the region tree is walked in Python over the few Region rows of the
subtree, never with a query per region. "Trained" is training's completion rule as stored in
Enrollment.trained_on by training.services.completion."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, OuterRef, Q, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from oversight import rules
from oversight.models import Baseline, CoverageState, FollowUp, Target
from proctoring.models import Flag, FlagStatus
from training.models import (
    ChemicalPark,
    EnrollmentStatus,
    Enterprise,
    PersonnelClass,
    Region,
    RegionLevel,
)
from training.scope import binding_kind, region_subtree, scope_condition, visible

ON_ROSTER = [EnrollmentStatus.ACTIVE, EnrollmentStatus.COMPLETED]


STATE_FIGURES = {
    "enrolled": Q(enrolled=True),
    "trained": Q(trained=True),
    "passed": Q(passed=True),
    "certified": Q(certified=True),
    "new_untrained": Q(new_or_transferred=True, trained=False),
}
# a state's grouping key → the same key from a flag
FLAG_KEYS = {
    "region_id": "enrollment__trainee__enterprise__region_id",
    "park_id": "enrollment__trainee__enterprise__park_id",
    "enterprise_id": "enrollment__trainee__enterprise_id",
}


def target_year() -> int:
    return min(timezone.localdate().year, rules.FINAL_YEAR)


@dataclass
class Cell:
    people: int = 0  # registered in the system
    enrolled: int = 0
    trained: int = 0
    passed: int = 0
    certified: int = 0
    new_untrained: int = 0
    baseline: int | None = None
    target: int | None = None

    def add(self, other: Cell) -> None:
        for name in ("people", "enrolled", "trained", "passed", "certified", "new_untrained"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def share(self) -> int | None:
        return rules.share(self.trained, self.baseline or 0)

    @property
    def gap(self) -> int | None:
        return rules.gap(self.trained, self.target)


@dataclass
class Row:
    label: str
    query: str = ""  # the drill-down link's query string ("region=370500" or "park=3"), "" if none
    trainee_filter: str = ""  # the /trainees/ filter behind the numbers
    cells: dict[int, Cell] = field(default_factory=lambda: {c.value: Cell() for c in PersonnelClass})
    flags_open: int = 0
    flags_confirmed: int = 0

    @property
    def new_untrained(self) -> int:
        return sum(c.new_untrained for c in self.cells.values())


@dataclass
class Coverage:
    title: str
    level: str  # "top", "region", "county", "park"
    region: Region | None
    park: ChemicalPark | None
    rows: list[Row]
    total: Row
    year: int
    parent_query: str | None = None


def _scope_root(user, region_code: str | None, park_id: str | None):
    """The region or park the page is about; 404 when it lies outside the user's scope."""
    if park_id:
        if not str(park_id).isdigit():
            raise Http404
        return None, get_object_or_404(visible(user, ChemicalPark.objects.select_related("region")), pk=park_id)
    if region_code:
        if binding_kind(user) == "park":  # a park officer sees the park, not the region around it
            raise Http404
        return get_object_or_404(visible(user, Region.objects.all()), code=region_code), None
    if binding_kind(user) == "park":
        return None, user.park
    if binding_kind(user) == "region":
        return user.region, None
    if user.is_superuser:
        return None, None
    raise Http404


def _states(user):
    """The coverage state of each trainee the user may see (oversight.models.CoverageState: one narrow row per
    trainee, kept by database triggers, so grouping it needs no subquery per trainee)."""
    states = CoverageState.objects.all()
    kind = binding_kind(user) if scope_condition(user, CoverageState) is not None else None
    # One region or park per row: filtered directly by the ids (the planner then estimates the rows right and
    # groups in memory), the same rows as visible(); other bindings go through visible().
    if kind == "region":
        return states.filter(region__in=_subtree_ids(user.region))
    if kind == "park":
        return states.filter(park=user.park_id)
    return visible(user, states)


def _subtree_ids(region) -> list[int]:
    return list(Region.objects.filter(pk__in=region_subtree(region)).values_list("pk", flat=True))


def _count(states, keys: list[str]) -> list[dict]:
    # annotated under other names: an annotation named like a field would shadow it in the next filter
    figures = {f"n_{name}": Count("pk", filter=q) for name, q in STATE_FIGURES.items()}
    rows = states.values(*keys, "personnel_class").annotate(people=Count("pk"), **figures).order_by()
    return [{k.removeprefix("n_"): v for k, v in row.items()} for row in rows]


def _fill(rows: dict, key_of, counts, flags) -> None:
    for item in counts:
        row = rows.get(key_of(item))
        if row is None:
            continue
        cell = row.cells[item["personnel_class"]]
        for name in ("people", "enrolled", "trained", "passed", "certified", "new_untrained"):
            setattr(cell, name, getattr(cell, name) + item[name])
    for item in flags:
        row = rows.get(key_of(item))
        if row is not None:
            row.flags_open += item["open"]
            row.flags_confirmed += item["confirmed"]


def _flags(user, states, keys: list[str]):
    flags = visible(user, Flag.objects.all()).filter(enrollment__trainee__in=states.values("trainee_id"))
    mapped = [FLAG_KEYS[k] for k in keys]
    rows = flags.values(*mapped).annotate(
        open=Count("pk", filter=Q(status=FlagStatus.OPEN)),
        confirmed=Count("pk", filter=Q(status=FlagStatus.CONFIRMED)),
    )
    return [{k: item[m] for k, m in zip(keys, mapped, strict=True)} | item for item in rows]


def _baselines(regions: list[Region], year: int) -> dict[tuple[int, int], tuple[int, int | None]]:
    result = {}
    for b in Baseline.objects.filter(region__in=regions):
        result[(b.region_id, b.personnel_class)] = [b.people, None]
    for t in Target.objects.filter(baseline__region__in=regions, year=year).select_related("baseline"):
        result[(t.baseline.region_id, t.baseline.personnel_class)][1] = t.people
    return result


def _apply_baselines(row: Row, region_id: int, baselines) -> None:
    for personnel_class, cell in row.cells.items():
        if (region_id, personnel_class) in baselines:
            cell.baseline, cell.target = baselines[(region_id, personnel_class)]


def coverage(user, *, region_code: str | None = None, park_id: str | None = None) -> Coverage:
    region, park = _scope_root(user, region_code, park_id)
    year = target_year()
    trainees = _states(user)
    if park is not None:
        return _park_coverage(user, park, trainees, year)
    if region is not None and region.level == RegionLevel.COUNTY:
        return _county_coverage(user, region, trainees, year)
    return _region_coverage(user, region, trainees, year)


def _total(rows: list[Row], label: str) -> Row:
    total = Row(label=label)
    for row in rows:
        for personnel_class, cell in row.cells.items():
            total.cells[personnel_class].add(cell)
        total.flags_open += row.flags_open
        total.flags_confirmed += row.flags_confirmed
    return total


def _region_coverage(user, region: Region | None, trainees, year: int) -> Coverage:
    """Province (or, for a superuser, every province) → its subregions, one row each."""
    if region is None:
        subtree = list(Region.objects.all())
        children = [r for r in subtree if r.level == RegionLevel.PROVINCE]
    else:
        subtree = list(Region.objects.filter(pk__in=region_subtree(region)))
        children = [r for r in subtree if r.parent_id == region.pk]
        trainees = trainees.filter(region__in=[r.pk for r in subtree])
    by_pk = {r.pk: r for r in subtree}
    child_ids = {c.pk for c in children}

    def child_of(region_id):
        r = by_pk.get(region_id)
        while r is not None and r.pk not in child_ids:
            r = by_pk.get(r.parent_id)
        return r.pk if r is not None else (None if region is None else region.pk)

    rows = {c.pk: Row(label=c.name, query=f"region={c.code}", trainee_filter=f"region={c.pk}") for c in children}
    if region is not None:  # enterprises registered directly at this level (市直属)
        rows[region.pk] = Row(label=_("%(name)s直属") % {"name": region.name}, trainee_filter="")
    counts = _count(trainees, ["region_id"])
    flags = _flags(user, trainees, ["region_id"])
    _fill(rows, lambda item: child_of(item["region_id"]), counts, flags)
    baselines = _baselines(children + ([region] if region else []), year)
    for c in children:
        _apply_baselines(rows[c.pk], c.pk, baselines)
    ordered = [rows[c.pk] for c in children]
    if region is not None and any(cell.people for cell in rows[region.pk].cells.values()):
        ordered.append(rows[region.pk])
    total = _total(ordered, region.name if region else _("全部"))
    if region is not None:
        _apply_baselines(total, region.pk, baselines)
        total.trainee_filter = f"region={region.pk}"
    parent_query = None
    if region is not None and region.parent_id and _within(user, region.parent):
        parent_query = f"region={region.parent.code}"
    return Coverage(
        title=region.full_name if region else _("全部地区"),
        level="region" if region else "top",
        region=region,
        park=None,
        rows=ordered,
        total=total,
        year=year,
        parent_query=parent_query,
    )


def _within(user, region) -> bool:
    return visible(user, Region.objects.filter(pk=region.pk)).exists()


def _county_coverage(user, region: Region, trainees, year: int) -> Coverage:
    """A county → its chemical parks, and the enterprises outside any park as one row."""
    trainees = trainees.filter(region=region)
    parks = list(visible(user, ChemicalPark.objects.filter(region=region)))
    rows = {p.pk: Row(label=p.name, query=f"park={p.pk}") for p in parks}
    rows[None] = Row(label=_("园区外企业"), trainee_filter=f"region={region.pk}")
    counts = _count(trainees, ["park_id"])
    flags = _flags(user, trainees, ["park_id"])
    _fill(rows, lambda item: item["park_id"], counts, flags)
    ordered = [rows[p.pk] for p in parks] + [rows[None]]
    total = _total(ordered, region.name)
    _apply_baselines(total, region.pk, _baselines([region], year))
    total.trainee_filter = f"region={region.pk}"
    parent_query = f"region={region.parent.code}" if region.parent_id and _within(user, region.parent) else None
    return Coverage(
        title=region.full_name, level="county", region=region, park=None, rows=ordered, total=total, year=year,
        parent_query=parent_query,
    )  # fmt: skip


def _park_coverage(user, park: ChemicalPark, trainees, year: int) -> Coverage:
    """A chemical park → its enterprises."""
    trainees = trainees.filter(park=park)
    enterprises = list(visible(user, Enterprise.objects.filter(park=park)).order_by("name"))
    rows = {e.pk: Row(label=e.name, trainee_filter=f"enterprise={e.pk}") for e in enterprises}
    counts = _count(trainees, ["enterprise_id"])
    flags = _flags(user, trainees, ["enterprise_id"])
    _fill(rows, lambda item: item["enterprise_id"], counts, flags)
    ordered = sorted(rows.values(), key=lambda r: -r.new_untrained)
    total = _total(ordered, park.name)
    parent_query = (
        f"region={park.region.code}" if _within(user, park.region) and binding_kind(user) != "park" else None
    )
    return Coverage(
        title=park.name, level="park", region=None, park=park, rows=ordered, total=total, year=year,
        parent_query=parent_query,
    )  # fmt: skip


# ---- the follow-up list (重点督促) ----


@dataclass
class Behind:
    enterprise: Enterprise
    people: int
    enrolled: int
    trained: int
    responsible: str
    last_follow_up: object

    @property
    def to_train(self) -> int:
        return self.people - self.trained


def behind_threshold() -> int:
    return getattr(settings, "OVERSIGHT_BEHIND_PERCENT", rules.BEHIND_PERCENT)


def follow_up_list(user, *, region_code: str | None = None, park_id: str | None = None) -> list[Behind]:
    """Enterprises in the page's scope with nobody enrolled or far behind, the ones with most to train first."""
    region, park = _scope_root(user, region_code, park_id)
    enterprises = visible(user, Enterprise.objects.select_related("region", "park"))
    if park is not None:
        enterprises = enterprises.filter(park=park)
    elif region is not None:
        enterprises = enterprises.filter(region__in=region_subtree(region))
    in_view = _states(user).filter(enterprise__in=enterprises.values("pk"))
    counts: dict[int, dict] = {}
    for item in _count(in_view, ["enterprise_id"]):  # summed over the classes
        n = counts.setdefault(item["enterprise_id"], {"people": 0, "enrolled": 0, "trained": 0})
        for name in n:
            n[name] += item[name]
    last = FollowUp.objects.filter(enterprise=OuterRef("pk")).order_by("-date").values("date")[:1]
    annotated = enterprises.annotate(last_date=Subquery(last))
    threshold = behind_threshold()
    result = []
    for e in annotated:
        n = counts.get(e.pk, {"people": 0, "enrolled": 0, "trained": 0})
        if rules.is_behind(people=n["people"], enrolled=n["enrolled"], threshold=threshold):
            responsible = e.park.name if e.park_id else _("%(region)s应急管理部门") % {"region": e.region.full_name}
            result.append(Behind(e, n["people"], n["enrolled"], n["trained"], responsible, e.last_date))
    result.sort(key=lambda b: (-b.to_train, b.enterprise.name))
    return result


def follow_ups(user, enterprise) -> list[FollowUp]:
    return list(visible(user, FollowUp.objects.filter(enterprise=enterprise)).select_related("recorded_by"))


# ---- baselines and targets ----


@dataclass
class BaselineRow:
    baseline: Baseline
    targets: dict[int, int | None]


def baseline_rows(user, *, region_code: str | None = None, park_id: str | None = None) -> list[BaselineRow]:
    """The baselines and yearly targets of the page's region and the regions below it."""
    region, park = _scope_root(user, region_code, park_id)
    baselines = visible(user, Baseline.objects.select_related("region"))
    if park is not None:
        baselines = baselines.filter(region=park.region)
    elif region is not None:
        baselines = baselines.filter(region__in=region_subtree(region))
    baselines = list(baselines.order_by("region__code", "personnel_class"))
    targets: dict[int, dict[int, int]] = {}
    for t in Target.objects.filter(baseline__in=baselines):
        targets.setdefault(t.baseline_id, {})[t.year] = t.people
    years = range(rules.FIRST_YEAR, rules.FINAL_YEAR + 1)
    return [BaselineRow(b, {y: targets.get(b.pk, {}).get(y) for y in years}) for b in baselines]


def settable_regions(user) -> list[Region]:
    """The regions whose baselines and targets the user may set: their own and those below it."""
    return list(visible(user, Region.objects.select_related("parent__parent")))


# ---- the scope of a page, for the charts and the yearly report (oversight/charts.py, oversight/report.py) ----


def page_scope(user, *, region_code: str | None = None, park_id: str | None = None):
    """(region, park, states) of a dashboard page: the same root and the same trainees' coverage states as
    `coverage`; a code outside the user's scope is a 404."""
    region, park = _scope_root(user, region_code, park_id)
    states = _states(user)
    if park is not None:
        states = states.filter(park=park)
    elif region is not None and region.level == RegionLevel.COUNTY:
        states = states.filter(region=region)
    elif region is not None:
        states = states.filter(region__in=_subtree_ids(region))
    return region, park, states
