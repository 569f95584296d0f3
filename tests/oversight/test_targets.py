"""The target rules, through the page and through the xlsx import, refused with the figures."""

import datetime
import io

import pytest

from oversight import rules, services
from oversight.models import Baseline, FollowUp, Target
from tests.oversight.support import add_trainee, build_world
from training import tabular
from training.models import PersonnelClass

pytestmark = pytest.mark.django_db
SM = PersonnelClass.SAFETY_MANAGER


@pytest.fixture
def world():
    w = build_world()
    services.set_baseline(region=w.city, personnel_class=SM, people=100)
    services.set_baseline(region=w.county, personnel_class=SM, people=40)
    services.set_baseline(region=w.other_county, personnel_class=SM, people=50)
    return w


def _post_target(client, user, region, year, people):
    client.force_login(user)
    data = {"kind": "target", "t-region": region.code, "t-personnel_class": SM, "t-year": year, "t-people": people}
    return client.post("/coverage/targets/", data)


def test_rules_name_the_figures():
    assert rules.target_errors(region_name="东营区", year=2023, target=41, baseline=40) == [
        "东营区2023年目标41人超过其培训基数40人"
    ]
    assert rules.target_errors(region_name="东营区", year=2024, target=39, baseline=40) == [
        "东营区2024年目标须达到培训基数的100%（40人），填写的是39人"
    ]
    assert rules.target_errors(region_name="东营市", year=2022, target=20, baseline=100, children_sum=30) == [
        "东营市2022年目标20人低于所辖县区已承诺目标之和30人"
    ]
    assert rules.target_errors(region_name="东营区", year=2024, target=40, baseline=40) == []


def test_page_refuses_a_county_target_above_its_baseline(client, world):
    response = _post_target(client, world.em_county, world.county, 2023, 41)
    assert response.status_code == 200
    assert "东营区2023年目标41人超过其培训基数40人" in response.content.decode()
    assert not Target.objects.exists()


def test_page_refuses_a_final_target_short_of_the_baseline(client, world):
    response = _post_target(client, world.em_county, world.county, 2024, 30)
    assert "东营区2024年目标须达到培训基数的100%（40人），填写的是30人" in response.content.decode()
    assert _post_target(client, world.em_county, world.county, 2024, 40).status_code == 302
    assert Target.objects.get().people == 40


def test_page_refuses_a_city_target_below_what_its_counties_committed(client, world):
    assert _post_target(client, world.em_county, world.county, 2022, 20).status_code == 302
    services.set_target(region=world.other_county, personnel_class=SM, year=2022, people=25)
    response = _post_target(client, world.em_city, world.city, 2022, 30)
    assert "东营市2022年目标30人低于所辖县区已承诺目标之和45人" in response.content.decode()
    assert _post_target(client, world.em_city, world.city, 2022, 45).status_code == 302
    # and a county may not push the sum of the counties past the city's own target
    response = _post_target(client, world.em_county, world.county, 2022, 21)
    assert "所辖县区目标之和将达46人" in response.content.decode()


def test_county_officer_cannot_set_the_city_target(client, world):
    response = _post_target(client, world.em_county, world.city, 2022, 10)
    assert "370500" not in response.content.decode().split('id="targets"')[1].split("</table>")[0]
    assert not Target.objects.filter(baseline__region=world.city).exists()


def _file(rows):
    from oversight.imports import COLUMNS

    f = io.BytesIO(tabular.xlsx_bytes(COLUMNS, rows))
    f.name = "targets.xlsx"
    return f


def test_import_is_all_or_nothing_with_row_errors(client, world):
    client.force_login(world.em_city)
    rows = [
        ["370502", "专职安全管理人员", "10", "60", "0.5", "10", "20", "40", "60"],  # a good row
        ["370503", "专职安全管理人员", "10", "50", "", "10", "20", "30", "45"],  # 2024 short of the baseline
        ["370503", "车间主任", "10", "50", "", "", "", "", ""],
    ]
    response = client.post("/coverage/targets/import/", {"file": _file(rows)})
    html = response.content.decode()
    assert "row 4: 人员类别: 应为：安全生产分管负责人、专职安全管理人员、班组长" in html
    assert not Target.objects.exists()
    rows.pop()
    html = client.post("/coverage/targets/import/", {"file": _file(rows)}).content.decode()
    assert "row 3: 2024年目标: 河口区2024年目标须达到培训基数的100%（50人），填写的是45人" in html
    assert not Target.objects.exists()
    assert Baseline.objects.get(region=world.county).people == 40  # the good row was not kept either
    rows[1][-1] = "50"
    response = client.post("/coverage/targets/import/", {"file": _file(rows)})
    assert response.status_code == 302
    assert Baseline.objects.get(region=world.county).people == 60
    assert Target.objects.filter(baseline__region=world.other_county, year=2024).get().people == 50


def test_import_refuses_a_region_outside_the_scope_and_a_city_below_its_counties(client, world):
    services.set_target(region=world.county, personnel_class=SM, year=2022, people=20)
    services.set_target(region=world.other_county, personnel_class=SM, year=2022, people=25)
    client.force_login(world.em_county)
    html = client.post(
        "/coverage/targets/import/", {"file": _file([["370503", "专职安全管理人员", "", "50", "", "", "", "", ""]])}
    ).content.decode()
    assert "row 2: 行政区划代码: “370503”不是您辖区内的行政区划代码" in html
    client.force_login(world.em_city)
    html = client.post(
        "/coverage/targets/import/", {"file": _file([["370500", "专职安全管理人员", "", "100", "", "", "30", "", ""]])}
    ).content.decode()
    assert "row 2: 2022年目标: 东营市2022年目标30人低于所辖县区已承诺目标之和45人" in html


def test_follow_up_list_names_who_is_responsible_and_when_it_was_last_followed(client, world):
    add_trainee(world, world.enterprises["park"])  # nobody enrolled
    add_trainee(world, world.enterprises["county"])
    add_trainee(world, world.enterprises["county"], enrol=True)  # half enrolled: not below 50 %
    client.force_login(world.em_county)
    html = client.get("/coverage/follow-ups/").content.decode()
    assert "园区内化工公司" in html and "东营区园区外化工公司" not in html
    assert "东营港经济开发区" in html and "尚未督促" in html
    enterprise = world.enterprises["park"]
    response = client.post(
        f"/coverage/follow-ups/{enterprise.pk}/",
        {"date": "2024-05-06", "method": "phone", "outcome": "企业承诺本月报名"},
    )
    assert response.status_code == 302
    assert FollowUp.objects.get().date == datetime.date(2024, 5, 6)
    html = client.get("/coverage/follow-ups/").content.decode()
    assert "2024-05-06" in html and "尚未督促" not in html
    park_view = client.get("/coverage/follow-ups/", {"park": world.park.pk})
    assert park_view.status_code == 200
    client.force_login(world.park_officer)
    other = world.enterprises["other"]
    assert client.get(f"/coverage/follow-ups/{other.pk}/").status_code == 404
