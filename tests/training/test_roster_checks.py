"""Every row rule of a roster, at its boundary, through the one batch check (issue 3 "Rosters")."""

import datetime

import pandas as pd
import pytest

from tests.training import builders
from tests.training.roster_support import LABEL, World, new_id_number
from training.models import EnrollmentStatus, PersonnelClass
from training.rosters import columns as c
from training.rosters.batch import check_roster
from training.rosters.reading import frame_from_table
from training.services.enrollments import enrollment_create

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2024, 6, 1)


def reasons(world, rows, today=TODAY):
    check = check_roster(frame_from_table(pd.DataFrame(rows)), project=world.project, today=today)
    return [check.row_reason(i) for i in range(check.total)]


@pytest.fixture
def world():
    return World()


def test_a_good_row_passes(world):
    assert reasons(world, [world.row()]) == [""]


@pytest.mark.parametrize(
    ("value", "reason"),
    [("", "姓名: 不能为空"), ("张" * 64, ""), ("张" * 65, "姓名: 不能超过64个字符（实为65个）")],
)
def test_name_present_and_not_too_long(world, value, reason):
    assert reasons(world, [world.row(**{c.NAME: value})]) == [reason]


def test_id_number_reason_is_the_validators_own(world):
    assert reasons(world, [world.row(**{c.ID_NUMBER: "110105194912310021"})]) == ["身份证号: 校验位错误（应为X）"]
    assert reasons(world, [world.row(**{c.ID_NUMBER: "11010519491231002x"})]) == [""]  # lower-case x is X


def test_duplicate_id_in_the_file_names_the_first_row(world):
    number = new_id_number()
    got = reasons(world, [world.row(**{c.ID_NUMBER: number}), world.row(), world.row(**{c.ID_NUMBER: number.lower()})])
    assert got == ["", "", "身份证号: 与第2行重复"]


@pytest.mark.parametrize("label", [str(label) for _, label in PersonnelClass.choices])
def test_known_personnel_class_labels(world, label):
    assert reasons(world, [world.row(**{c.PERSONNEL_CLASS: label})]) == [""]


def test_unknown_personnel_class_lists_the_labels(world):
    assert reasons(world, [world.row(**{c.PERSONNEL_CLASS: "车间主任"})]) == [
        "人员类别: 未知类别“车间主任”，应为：安全生产分管负责人、专职安全管理人员、班组长"
    ]


def test_enterprise_registered_and_inside_the_project_region(world):
    got = reasons(
        world,
        [
            world.row(**{c.CREDIT_CODE: "91350100M000100Y43"}),  # valid code, never registered
            world.row(**{c.CREDIT_CODE: world.outside.credit_code}),
            world.row(**{c.CREDIT_CODE: "91350100M000100Y44"}),
        ],
    )
    assert got[0] == "企业统一社会信用代码: 企业未登记（请先由应急管理部门或园区登记该企业）"
    assert got[1] == "企业统一社会信用代码: 企业不在本项目地区（山东省东营市）内"
    assert got[2] == "企业统一社会信用代码: 校验位错误（应为3）"


@pytest.mark.parametrize(
    ("value", "ok"),
    [("13912345678", True), ("+86 139-1234-5678", True), ("12912345678", False), ("1391234567", False)],
)
def test_phone(world, value, ok):
    got = reasons(world, [world.row(**{c.PHONE: value})])
    assert got == ([""] if ok else ["手机号: 应为11位手机号码（1开头，第二位为3-9）"])


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("2024-06-01", ""),  # today
        ("2024/6/1", ""),
        ("2024年6月1日", ""),
        ("2024-06-01 00:00:00", ""),  # how a date cell of an xlsx reads
        ("2024-06-02", "岗位起始日期: 2024-06-02晚于今天（2024-06-01）"),
        ("2023-02-30", "岗位起始日期: “2023-02-30”不是有效日期（格式如2023-03-01）"),
        ("", "岗位起始日期: 不能为空"),
    ],
)
def test_post_start_date_valid_and_not_in_the_future(world, value, reason):
    assert reasons(world, [world.row(**{c.POST_START_DATE: value})]) == [reason]


@pytest.mark.parametrize(
    ("value", "reason"), [("是", ""), ("否", ""), ("", ""), ("也许", "新入职或转岗: 应填“是”或“否”，实为“也许”")]
)
def test_new_or_transferred(world, value, reason):
    assert reasons(world, [world.row(**{c.NEW_OR_TRANSFERRED: value})]) == [reason]


def test_person_active_in_another_project_is_a_double_claim(world):
    other = builders.project(region=world.city, code="OTHER-1")
    person = builders.trainee()
    enrollment_create(project=other, trainee=person)
    assert reasons(world, [world.row(**{c.ID_NUMBER: person.id_number})]) == [
        "身份证号: 该学员已在另一个在训项目中（OTHER-1）"
    ]
    person.enrollments.update(status=EnrollmentStatus.COMPLETED)  # a finished project is no double claim
    assert reasons(world, [world.row(**{c.ID_NUMBER: person.id_number})]) == [""]


def test_class_must_exist_in_the_project_and_match_the_personnel_class(world):
    other = builders.project(region=world.city, code="OTHER-2")
    builders.offline_class(other, code="OTHER-2-01")
    code = world.classes[PersonnelClass.DEPUTY_HEAD].code
    got = reasons(
        world,
        [
            world.row(**{c.OFFLINE_CLASS: "OTHER-2-01"}),
            world.row(**{c.OFFLINE_CLASS: code}),  # a safety manager in the deputy heads' class
            world.row(**{c.OFFLINE_CLASS: code, c.PERSONNEL_CLASS: LABEL[PersonnelClass.DEPUTY_HEAD]}),
        ],
    )
    assert got[0] == f"班级编号: 本项目（{world.project.code}）没有班级“OTHER-2-01”"
    assert got[1] == f"班级编号: 班级{code}的人员类别与学员的人员类别不符"
    assert got[2] == ""


@pytest.mark.parametrize(
    ("personnel_class", "cap"), [(PersonnelClass.DEPUTY_HEAD, 40), (PersonnelClass.TEAM_LEADER, 80)]
)
def test_capacity_counts_rows_of_the_same_file(world, personnel_class, cap):
    """40/41 and 80/81 places: the rows before count; already-enrolled people count."""
    offline_class = world.classes[personnel_class]
    builders.enrol(world.project, offline_class)  # one place taken before the import
    label = LABEL[personnel_class]
    rows = [world.row(**{c.PERSONNEL_CLASS: label, c.OFFLINE_CLASS: offline_class.code}) for _ in range(cap)]
    rows.insert(3, world.row(**{c.PERSONNEL_CLASS: label, c.OFFLINE_CLASS: offline_class.code, c.PHONE: "1"}))
    got = reasons(world, rows)
    assert got[3].startswith("手机号")  # a bad row takes no place
    assert got.count("") == cap - 1
    assert got[-1] == f"班级编号: 班级人数超过上限：上限 {cap} 人，已有 {cap} 人，再加入 1 人将达 {cap + 1} 人"


def test_withdrawn_people_free_their_place(world):
    offline_class = builders.offline_class(world.project, code="SMALL-1", capacity=1)
    builders.enrol(world.project, offline_class).__class__.objects.filter(offline_class=offline_class).update(
        status=EnrollmentStatus.WITHDRAWN
    )
    assert reasons(world, [world.row(**{c.OFFLINE_CLASS: "SMALL-1"})]) == [""]


def test_every_reason_of_a_row_in_column_order(world):
    got = reasons(world, [world.row(**{c.NAME: "", c.PHONE: "x", c.ID_NUMBER: "123"})])
    assert got == ["姓名: 不能为空；身份证号: 应为18位，实为3位；手机号: 应为11位手机号码（1开头，第二位为3-9）"]
