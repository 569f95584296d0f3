import datetime

import pytest
from django.core.exceptions import ValidationError

from training.validators import (
    build_credit_code,
    build_id_number,
    credit_code_error,
    id_number_error,
    phone_error,
    validate_id_number,
)

# A published example number (GB 11643 annex): 11010519491231002X.
VALID_ID = "11010519491231002X"


def test_published_example_id_number_is_valid():
    assert id_number_error(VALID_ID) is None
    assert id_number_error(VALID_ID.lower()) is None  # a lower-case x is the same number


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("11010519491231002", "应为18位，实为17位"),
        ("110105194912310021X", "应为18位，实为19位"),
        ("1101051949123100XX", "前17位须为数字"),
        ("110105194912310021", "校验位错误（应为X）"),
        ("110105194902300023", "出生日期19490230不存在"),
        ("990105194912310020", "地址码99不是有效的省级行政区划代码"),
    ],
)
def test_bad_id_numbers_say_why(value, reason):
    assert reason in id_number_error(value)
    with pytest.raises(ValidationError, match=reason[:6]):
        validate_id_number(value)


def test_birth_date_in_the_future_is_refused():
    number = build_id_number("370502", datetime.date(2030, 1, 1), 1)
    assert "不合理" in id_number_error(number, today=datetime.date(2026, 1, 1))


def test_built_id_numbers_are_valid():
    for day in range(0, 3000, 97):
        birth = datetime.date(1970, 1, 1) + datetime.timedelta(days=day)
        assert id_number_error(build_id_number("320703", birth, day)) is None


def test_published_credit_code_is_valid():
    # A real, published code (a state-owned enterprise's business licence).
    assert credit_code_error("91350100M000100Y43") is None


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("91350100M000100Y4", "应为18位，实为17位"),
        ("91350100M000100Y44", "校验位错误（应为3）"),
        ("91350100M000100I43", "含有不允许的字符：I"),
        ("9135A100M000100Y43", "第3-8位应为行政区划代码"),
        ("91350100M000100Y53", "组织机构代码的校验位错误"),
    ],
)
def test_bad_credit_codes_say_why(value, reason):
    assert reason in credit_code_error(value)


def test_built_credit_codes_are_valid():
    for n in range(0, 10**6, 7919):
        assert credit_code_error(build_credit_code("370502", n)) is None


@pytest.mark.parametrize("value", ["13912345678", "+86 139-1234-5678"])
def test_mobile_numbers(value):
    assert phone_error(value) is None


@pytest.mark.parametrize("value", ["1391234567", "12912345678", "23912345678", "abc"])
def test_bad_mobile_numbers(value):
    assert "手机号码" in phone_error(value)


# --- boundaries --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("birth", "ok"),
    [
        (datetime.date(1900, 1, 1), True),
        (datetime.date(1899, 12, 31), False),
        (datetime.date(2026, 1, 1), True),  # born today
        (datetime.date(2026, 1, 2), False),  # born tomorrow
        (datetime.date(2000, 2, 29), True),  # a leap day that exists
    ],
)
def test_birth_date_boundaries(birth, ok):
    number = build_id_number("370502", birth, 7)
    assert (id_number_error(number, today=datetime.date(2026, 1, 1)) is None) == ok


def test_feb_29_of_a_common_year_does_not_exist():
    first17 = "37050219990229007"
    from training.validators import id_number_check_char

    assert "出生日期19990229不存在" in id_number_error(first17 + id_number_check_char(first17))


def test_every_check_character_is_verified():
    number = build_id_number("370502", datetime.date(1985, 6, 15), 123)
    wrong = [c for c in "0123456789X" if c != number[-1]]
    assert all("校验位错误" in id_number_error(number[:17] + c) for c in wrong)


# --- the services (the door every other door goes through) name the field ------------------------------------


@pytest.mark.django_db
def test_trainee_service_refuses_a_bad_id_number_naming_the_field():
    from tests.factories import EnterpriseFactory
    from training.models import Trainee
    from training.services.people import trainee_create

    with pytest.raises(ValidationError) as error:
        trainee_create(
            name="张三",
            id_number="110105194912310021",
            personnel_class=1,
            enterprise=EnterpriseFactory(),
            post_start_date=datetime.date(2020, 1, 1),
            phone="13912345678",
        )
    assert error.value.message_dict["id_number"] == ["校验位错误（应为X）"]
    assert Trainee.objects.count() == 0


@pytest.mark.django_db
def test_enterprise_service_refuses_a_bad_credit_code_naming_the_field():
    from tests.factories import region_tree
    from training.models import Enterprise
    from training.services.organisations import enterprise_create

    with pytest.raises(ValidationError) as error:
        enterprise_create(credit_code="91350100M000100Y44", name="某公司", region=region_tree()[2], kind="using")
    assert error.value.message_dict["credit_code"] == ["校验位错误（应为3）"]
    assert Enterprise.objects.count() == 0


def test_post_start_date_rule_is_on_the_trainee_field():
    """岗位起始日期 in the future is refused by the model field itself, so every door refuses it."""
    from training.models import Trainee
    from training.validators import post_start_date_error

    today = datetime.date(2026, 11, 23)
    assert post_start_date_error(today, today=today) is None
    assert post_start_date_error(datetime.date(2026, 11, 24), today=today) == "2026-11-24晚于今天（2026-11-23）"
    assert "早于1950年" in post_start_date_error(datetime.date(1949, 12, 31), today=today)
    field = Trainee._meta.get_field("post_start_date")
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError, match="晚于今天"):
        field.run_validators(tomorrow)
