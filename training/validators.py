"""Real-name identifiers (SPEC 三(三) 实名制): resident ID numbers, unified social credit codes, mobile numbers.

Each validator raises ValidationError with the reason; the door (form field, import row, service) names the field.
They are attached to the model fields, so forms, the admin, imports (clean_model_instances) and services all
run them. `normalize_*` helpers give the canonical spelling that is stored.
"""

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# --- GB 11643-1999 citizen identification number ---------------------------------------------------------

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
# First two digits: the province-level division codes of GB/T 2260.
_PROVINCE_CODES = {
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41", "42", "43",
    "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71", "81", "82",
}  # fmt: skip


def id_number_check_char(first17: str) -> str:
    """The GB 11643 check character (ISO 7064 MOD 11-2) of the first 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def normalize_id_number(value: str) -> str:
    return (value or "").strip().upper()


def id_number_birth_date(value: str) -> datetime.date:
    return datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))


def id_number_error(value: str, *, today: datetime.date | None = None) -> str | None:
    """The reason a resident ID number is invalid, or None. Plain function so batch imports can call it."""
    value = normalize_id_number(value)
    if len(value) != 18:
        return str(_("应为18位，实为%(n)d位") % {"n": len(value)})
    if not re.fullmatch(r"\d{17}[\dX]", value):
        return str(_("前17位须为数字，末位为数字或X"))
    if value[:2] not in _PROVINCE_CODES:
        return str(_("地址码%(code)s不是有效的省级行政区划代码") % {"code": value[:2]})
    try:
        birth = id_number_birth_date(value)
    except ValueError:
        return str(_("出生日期%(date)s不存在") % {"date": value[6:14]})
    today = today or datetime.date.today()
    if birth > today or birth.year < 1900:
        return str(_("出生日期%(date)s不合理") % {"date": value[6:14]})
    expected = id_number_check_char(value[:17])
    if value[17] != expected:
        return str(_("校验位错误（应为%(expected)s）") % {"expected": expected})
    return None


def validate_id_number(value: str) -> None:
    error = id_number_error(value)
    if error:
        raise ValidationError(error, code="invalid_id_number")


# --- GB 32100-2015 unified social credit code ----------------------------------------------------------

CREDIT_CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: no I, O, S, V, Z
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
# GB 11714 organisation code (characters 9-17 of the credit code) has a check character of its own.
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def credit_code_check_char(first17: str) -> str:
    total = sum(CREDIT_CODE_CHARS.index(c) * w for c, w in zip(first17, _CREDIT_WEIGHTS, strict=True))
    return CREDIT_CODE_CHARS[(31 - total % 31) % 31]


def org_code_check_char(first8: str) -> str:
    total = sum(int(c, 36) * w for c, w in zip(first8, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def normalize_credit_code(value: str) -> str:
    return (value or "").strip().upper()


def credit_code_error(value: str) -> str | None:
    """The reason a unified social credit code is invalid, or None."""
    value = normalize_credit_code(value)
    if len(value) != 18:
        return str(_("应为18位，实为%(n)d位") % {"n": len(value)})
    bad = sorted({c for c in value if c not in CREDIT_CODE_CHARS})
    if bad:
        return str(_("含有不允许的字符：%(chars)s") % {"chars": "".join(bad)})
    if not value[2:8].isdigit():
        return str(_("第3-8位应为行政区划代码（6位数字）"))
    org = value[8:17]
    if not re.fullmatch(r"[0-9A-Z]{8}[0-9X]", org) or org[8] != org_code_check_char(org[:8]):
        return str(_("第9-17位组织机构代码的校验位错误"))
    expected = credit_code_check_char(value[:17])
    if value[17] != expected:
        return str(_("校验位错误（应为%(expected)s）") % {"expected": expected})
    return None


def validate_credit_code(value: str) -> None:
    error = credit_code_error(value)
    if error:
        raise ValidationError(error, code="invalid_credit_code")


# --- Names (三(三) 实名制, as on the resident ID card) ----------------------------------------------------------

NAME_MAX_LENGTH = 64  # Trainee.name max_length
_HAN = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_LATIN = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f"
# Han characters; minority and foreign names add "·" between parts and Latin letters (with spaces, hyphens and
# apostrophes inside a Latin name). A name starts and ends with a letter, so it never starts with = + - @.
_NAME = re.compile(
    f"[{_HAN}{_LATIN}](?:[{_HAN}{_LATIN}·]|[ '\\-](?=[{_LATIN}])|\\.(?=[ {_LATIN}]|$))*(?<=[{_HAN}{_LATIN}.])"
)
_SPACE_BY_HAN = re.compile(f"(?<=[{_HAN}·]) | (?=[{_HAN}·])")
_NAME_DOTS = str.maketrans({"•": "·", "・": "·", "‧": "·", "∙": "·", "．": "·"})
FORMULA_SIGNS = ("=", "+", "-", "@")


def normalize_name(value: str) -> str:
    """Spaces around the name dropped (and next to Han characters), look-alike middle dots made "·"."""
    # "张  三" (spaces to align two-character names in Excel) is 张三: ID card names have no spaces.
    return _SPACE_BY_HAN.sub("", " ".join(str(value or "").split()).translate(_NAME_DOTS))


def name_error(value: str) -> str | None:
    """The reason a person's name is refused, or None: Han characters, "·" and Latin letters only, never a
    leading = + - @ (a spreadsheet would run it as a formula)."""
    value = normalize_name(value)
    if not value:
        return str(_("不能为空"))
    if len(value) > NAME_MAX_LENGTH:
        return str(_("不能超过%(n)d个字符（实为%(m)d个）") % {"n": NAME_MAX_LENGTH, "m": len(value)})
    if value.startswith(FORMULA_SIGNS):
        return str(_("不能以 = + - @ 开头（电子表格会把它当作公式）"))
    if not _NAME.fullmatch(value):
        bad = sorted({ch for ch in value if not re.fullmatch(f"[{_HAN}{_LATIN}· '\\-.]", ch)})
        detail = _("含有不允许的字符：%(chars)s") % {"chars": " ".join(bad)} if bad else _("格式不对")
        return str(_("应为汉字；少数民族或外国人姓名可用“·”分隔，或用拉丁字母（%(detail)s）") % {"detail": detail})
    return None


def validate_name(value: str) -> None:
    error = name_error(value)
    if error:
        raise ValidationError(error, code="invalid_name")


# --- Mobile numbers ------------------------------------------------------------------------------------

_MOBILE = re.compile(r"1[3-9]\d{9}")


def normalize_phone(value: str) -> str:
    value = re.sub(r"[\s-]", "", str(value or ""))
    return value[3:] if value.startswith("+86") else value


def phone_error(value: str) -> str | None:
    if not _MOBILE.fullmatch(normalize_phone(value)):
        return str(_("应为11位手机号码（1开头，第二位为3-9）"))
    return None


def validate_phone(value: str) -> None:
    error = phone_error(value)
    if error:
        raise ValidationError(error, code="invalid_phone")


def post_start_date_error(value: datetime.date, *, today: datetime.date | None = None) -> str | None:
    """岗位起始日期: not in the future, and not before 1950 (a typo, not a career)."""
    today = today or datetime.date.today()
    if value > today:
        return str(_("%(date)s晚于今天（%(today)s）") % {"date": value.isoformat(), "today": today.isoformat()})
    if value.year < 1950:
        return str(_("%(date)s早于1950年，不合理") % {"date": value.isoformat()})
    return None


def validate_post_start_date(value: datetime.date) -> None:
    error = post_start_date_error(value)
    if error:
        raise ValidationError(error, code="invalid_post_start_date")


def validate_division_code(value: str) -> None:
    """GB/T 2260 administrative division code: six digits, province part known."""
    if not re.fullmatch(r"\d{6}", value or "") or value[:2] not in _PROVINCE_CODES:
        raise ValidationError(_("应为6位行政区划代码（GB/T 2260）"), code="invalid_division_code")


# --- Building valid identifiers (demo data, tests, benchmarks) -----------------------------------------

_HAN_DIGITS = "〇一二三四五六七八九"


def build_name(sequence: int, prefix: str = "学员") -> str:
    """A valid name for generated people: 学员 followed by the number in Han digits (学员一二)."""
    return prefix + "".join(_HAN_DIGITS[int(d)] for d in str(sequence))


def build_id_number(division_code: str, birth: datetime.date, sequence: int) -> str:
    """A valid GB 11643 number: division code, birth date, 3-digit sequence, check character."""
    first17 = f"{division_code}{birth:%Y%m%d}{sequence % 1000:03d}"
    return first17 + id_number_check_char(first17)


def build_credit_code(division_code: str, sequence: int, *, prefix: str = "91") -> str:
    """A valid GB 32100 code: registration authority and type, division, organisation code, check."""
    org8 = f"{sequence % 10**8:08d}"
    first17 = f"{prefix}{division_code}{org8}{org_code_check_char(org8)}"
    return first17 + credit_code_check_char(first17)
