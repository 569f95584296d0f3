"""Who sees what on the coverage pages: a county officer only their county, a park officer only the park, in
every table and every export; a guessed code outside the scope is a 404."""

import io

import openpyxl
import pytest

from oversight import services
from tests.oversight.support import add_trainee, build_world
from training.models import PersonnelClass

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    w = build_world()
    add_trainee(w, w.enterprises["park"], enrol=True, new=True)
    add_trainee(w, w.enterprises["county"], passed=True)
    add_trainee(w, w.enterprises["other"], PersonnelClass.TEAM_LEADER, new=True)
    add_trainee(w, w.enterprises["other"], PersonnelClass.TEAM_LEADER)
    for region, people in ((w.city, 100), (w.county, 40), (w.other_county, 50)):
        services.set_baseline(region=region, personnel_class=PersonnelClass.SAFETY_MANAGER, people=people)
    return w


def _sheet(response):
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    return [list(r) for r in book.active.iter_rows(values_only=True)]


def _get(client, user, url):
    client.force_login(user)
    return client.get(url)


def test_county_officer_sees_only_their_county(client, world):
    page = _get(client, world.em_county, "/coverage/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "东营港经济开发区" in html and "园区外企业" in html
    assert "河口" not in html
    rows = _sheet(client.get("/coverage/export.xlsx"))
    labels = {r[0] for r in rows[1:]}
    assert labels == {"东营港经济开发区", "园区外企业", "东营区"}
    # the county's total: two registered safety managers, one enrolled into the park's row, one passed outside
    total = [r for r in rows if r[0] == "东营区" and r[1] == "专职安全管理人员"][0]
    assert total[2:6] == [2, 2, 0, 1]
    assert total[8] == 40  # its own baseline, not the city's
    follow = _sheet(client.get("/coverage/follow-ups/export.xlsx"))
    assert all("河口" not in (r[0] or "") for r in follow)
    targets = _sheet(client.get("/coverage/targets/export.xlsx"))
    assert {r[0] for r in targets[1:]} == {"370502"}


@pytest.mark.parametrize("query", ["region=370503", "region=370500", "region=370000", "park={other}", "region=999999"])
def test_county_officer_guessing_outside_their_scope_gets_404(client, world, query):
    query = query.format(other=world.other_park.pk)
    for url in ("/coverage/", "/coverage/export.xlsx", "/coverage/follow-ups/", "/coverage/follow-ups/export.xlsx"):
        assert _get(client, world.em_county, f"{url}?{query}").status_code == 404, (url, query)


def test_park_officer_sees_only_the_park(client, world):
    html = _get(client, world.park_officer, "/coverage/").content.decode()
    assert "园区内化工公司" in html
    assert "园区外" not in html and "河口" not in html
    rows = _sheet(client.get("/coverage/export.xlsx"))
    assert {r[0] for r in rows[1:]} == {"园区内化工公司", "东营港经济开发区"}
    new_hires = [r for r in rows if r[0] == "园区内化工公司" and r[1] == "专职安全管理人员"][0]
    assert new_hires[7] == 1  # the new hire not yet trained
    for query in ("region=370502", "region=370500", f"park={world.other_park.pk}"):
        assert client.get(f"/coverage/?{query}").status_code == 404
        assert client.get(f"/coverage/export.xlsx?{query}").status_code == 404
    assert client.get(f"/coverage/?park={world.park.pk}").status_code == 200


def test_city_officer_drills_down_to_county_and_park(client, world):
    client.force_login(world.em_city)
    city = client.get("/coverage/").content.decode()
    assert "?region=370502" in city and "?region=370503" in city
    county = client.get("/coverage/?region=370502").content.decode()
    assert f"?park={world.park.pk}" in county and "?region=370500" in county  # down to the park, back up
    park = client.get(f"/coverage/?park={world.park.pk}").content.decode()
    assert "园区内化工公司" in park
    rows = _sheet(client.get("/coverage/export.xlsx?region=370502"))
    assert {r[0] for r in rows[1:]} == {"东营港经济开发区", "园区外企业", "东营区"}


def test_new_hires_not_yet_trained_are_listed_first(client, world):
    html = _get(client, world.em_city, "/coverage/").content.decode()
    assert html.index('id="new-first"') < html.index('id="coverage"')
    assert "priority=1" in html
