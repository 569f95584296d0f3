"""The dashboard's charts (progress against target, regions ranked, pass rate by provider): drawn from the page's
scope only, and from a coverage state the database keeps current (a new pass shows at once: no refresh interval)."""

import datetime
import json
import re

import pytest

from exams.models import Certificate
from oversight import services
from oversight.models import CoverageState
from tests.oversight.support import add_trainee, build_world
from training.models import Enrollment, Enterprise, PersonnelClass, Trainee
from training.services.enrollments import enrollment_create, enrollment_mark_passed

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    w = build_world()
    add_trainee(w, w.enterprises["park"], enrol=True, new=True)
    add_trainee(w, w.enterprises["county"], passed=True)
    add_trainee(w, w.enterprises["other"], PersonnelClass.TEAM_LEADER, passed=True)
    add_trainee(w, w.enterprises["other"], PersonnelClass.TEAM_LEADER, enrol=True)
    for region, people in ((w.city, 100), (w.county, 40), (w.other_county, 50)):
        services.set_baseline(region=region, personnel_class=PersonnelClass.SAFETY_MANAGER, people=people)
        services.set_target(region=region, personnel_class=PersonnelClass.SAFETY_MANAGER, year=2024, people=people)
    return w


def _charts(client, user, query=""):
    client.force_login(user)
    html = client.get(f"/coverage/{query}").content.decode()
    found = re.search(r'<script id="coverage-charts" type="application/json">(.*?)</script>', html, re.S)
    assert found, "the page embeds its chart data"
    return json.loads(found.group(1)), found.group(1)


def _last(data, key, name="专职安全管理人员"):
    return [c for c in data["progress"]["classes"] if c["name"] == name][0][key][-1]


def test_page_loads_echarts_from_our_static_files_only(client, world):
    client.force_login(world.em_city)
    html = client.get("/coverage/").content.decode()
    assert '<script src="/static/vendor/echarts/echarts.min.js"></script>' in html
    assert '<script src="/static/js/coverage_charts.js"></script>' in html
    assert "http" not in "".join(re.findall(r"<script[^>]*src=\"([^\"]+)\"", html))
    for chart in ("chart-progress", "chart-ranking", "chart-providers"):
        assert f'id="{chart}"' in html


def test_county_officer_charts_hold_only_their_county(client, world):
    data, raw = _charts(client, world.em_county)
    for other in ("河口", "370503", "河口蓝色经济产业园", "370500", "东营市"):
        assert other not in raw, other
    assert {r["label"] for r in data["ranking"]} == {"东营港经济开发区", "园区外企业"}
    # the county's own figures: two safety managers enrolled, one passed; the other county's team leaders absent
    assert _last(data, "enrolled") == 2 and _last(data, "passed") == 1
    assert _last(data, "enrolled", "班组长") == 0
    targets = [c for c in data["progress"]["classes"] if c["name"] == "专职安全管理人员"][0]["target"]
    assert 40 in targets and 50 not in targets and 100 not in targets  # its own target, no one else's


def test_park_officer_charts_hold_only_the_park(client, world):
    data, raw = _charts(client, world.park_officer)
    for other in ("河口", "东营区园区外化工公司", "园区外企业", "370502"):
        assert other not in raw, other
    assert [r["label"] for r in data["ranking"]] == ["园区内化工公司"]
    assert _last(data, "enrolled") == 1 and _last(data, "passed") == 0


def test_city_officer_ranks_both_counties_and_drills_down(client, world):
    data, _raw = _charts(client, world.em_city)
    ranked = {r["label"]: r for r in data["ranking"]}
    assert set(ranked) == {"东营区", "河口区"}
    assert ranked["东营区"]["of"] == 40 and ranked["东营区"]["baseline"] is True
    assert ranked["东营区"]["query"] == "region=370502"
    county, _raw = _charts(client, world.em_city, "?region=370502")
    assert "河口" not in _raw


def test_a_new_pass_shows_at_once(client, world):
    """The coverage state is written by database triggers in the pass's own transaction: the refresh interval
    is zero, so the very next page shows the pass."""
    before, _raw = _charts(client, world.em_county)
    enrollment = Enrollment.objects.get(trainee__enterprise=world.enterprises["park"])
    enrollment_mark_passed(enrollment=enrollment, passed_on=datetime.date(2024, 7, 1), score=88)
    after, _raw = _charts(client, world.em_county)
    assert _last(after, "passed") == _last(before, "passed") + 1
    month = after["progress"]["months"].index("2024-07")
    passed = [c for c in after["progress"]["classes"] if c["name"] == "专职安全管理人员"][0]["passed"]
    assert passed[month] - passed[month - 1] == 1
    html = client.get("/coverage/").content.decode()
    assert CoverageState.objects.get(trainee=enrollment.trainee).passed_on == datetime.date(2024, 7, 1)
    assert "园区内化工公司" not in html  # the county page lists parks, not enterprises


def _live(trainee: Trainee) -> dict:
    enrollments = Enrollment.objects.filter(trainee=trainee)
    return {
        "region_id": trainee.enterprise.region_id,
        "park_id": trainee.enterprise.park_id,
        "personnel_class": trainee.personnel_class,
        "enrolled": enrollments.filter(status__in=["active", "completed"]).exists(),
        "passed": enrollments.filter(exam_passed_on__isnull=False).exists(),
        "certified": Certificate.objects.filter(trainee=trainee, status="valid").exists(),
    }


def test_the_state_follows_every_write(world):
    """Enrolment, pass, withdrawal, a change of class and an enterprise moving county: the state row of each
    trainee equals what the base tables say, after each write."""
    trainee = add_trainee(world, world.enterprises["county"])

    def check():
        for t in Trainee.objects.select_related("enterprise"):
            state = CoverageState.objects.filter(trainee=t).values(*_live(t)).get()
            assert state == _live(t), t

    check()
    enrollment = enrollment_create(project=world.project, trainee=trainee)
    check()
    enrollment_mark_passed(enrollment=enrollment, passed_on=datetime.date(2024, 6, 1), score=90)
    check()
    Enrollment.objects.filter(pk=enrollment.pk).update(status="withdrawn", exam_passed_on=None)
    check()
    Trainee.objects.filter(pk=trainee.pk).update(personnel_class=PersonnelClass.TEAM_LEADER)
    check()
    Enterprise.objects.filter(pk=world.enterprises["county"].pk).update(region=world.other_county, park=None)
    check()
    assert CoverageState.objects.count() == Trainee.objects.count()


def test_the_bulk_rebuild_writes_what_the_triggers_wrote(world):
    """A bulk load switches the triggers off and rebuilds the state in one statement (oversight/state.py): the
    rebuild gives every trainee the same row as the triggers did, and repairs a row made wrong behind them."""
    from oversight.state import coverage_state_rebuild

    fields = [f.attname for f in CoverageState._meta.concrete_fields]
    by_triggers = {r["trainee_id"]: r for r in CoverageState.objects.values(*fields)}
    assert by_triggers and any(r["passed"] for r in by_triggers.values())
    some = next(iter(by_triggers))
    CoverageState.objects.filter(trainee_id=some).update(enrolled=not by_triggers[some]["enrolled"], provider=None)
    assert coverage_state_rebuild() == Trainee.objects.count()
    assert {r["trainee_id"]: r for r in CoverageState.objects.values(*fields)} == by_triggers
