"""The English catalogue is complete and the compiled .mo is the committed .po (issue 8: "the English UI translates
the remaining strings").

The .po is read here with a small parser of its own (no polib in the project). A fuzzy entry counts as untranslated:
gettext tools leave it out of the .mo, so the page would show the Chinese.
"""

import datetime
import gettext
import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

LOCALE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"
PO, MO = LOCALE / "django.po", LOCALE / "django.mo"
PLACEHOLDER = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[sdifgrx]|%%|\{\w*\}")
CJK = re.compile(r"[\u4e00-\u9fff]")
ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "r": "\r"}


@dataclass
class Entry:
    line: int
    flags: set = field(default_factory=set)
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict = field(default_factory=dict)  # 0 for a singular entry, 0..n-1 for a plural one

    @property
    def key(self):
        return self.msgid if self.msgctxt is None else f"{self.msgctxt}\x04{self.msgid}"

    @property
    def translated(self) -> bool:
        return bool(self.msgstr) and all(self.msgstr.values()) and "fuzzy" not in self.flags


def _unquote(text: str) -> str:
    body = text.strip()
    assert body.startswith('"') and body.endswith('"'), body
    return re.sub(r"\\(.)", lambda m: ESCAPES.get(m.group(1), "\\" + m.group(1)), body[1:-1])


KEYWORD = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+(\".*\")$")


def _blocks(text: str):
    """(first line number, lines) of each entry: gettext's tools separate entries by a blank line."""
    block, first = [], 0
    for number, line in enumerate(text.splitlines() + [""], 1):
        if line.strip():
            first = first if block else number
            block.append(line)
        elif block:
            yield first, block
            block = []


def parse_po(path: Path) -> list[Entry]:
    entries = []
    for first, lines in _blocks(path.read_text(encoding="utf-8")):
        entry, target = Entry(line=first), None
        for line in lines:
            if line.startswith("#,"):
                entry.flags |= {flag.strip() for flag in line[2:].split(",")}
            elif line.startswith("#"):
                continue  # references, comments, previous msgids (#|) and obsolete entries (#~)
            elif match := KEYWORD.match(line):
                name, index, value = match.group(1), int(match.group(2) or 0), _unquote(match.group(3))
                target = (name, index)
                if name == "msgstr":
                    entry.msgstr[index] = value
                else:
                    setattr(entry, name, value)
            elif target is None:
                raise ValueError(f"{path}, entry at line {first}: cannot read {line!r}")
            elif target[0] == "msgstr":
                entry.msgstr[target[1]] += _unquote(line)
            else:
                setattr(entry, target[0], getattr(entry, target[0]) + _unquote(line))
        if entry.msgid:  # the header has msgid "", an obsolete-only block none
            entries.append(entry)
    return entries


@pytest.fixture(scope="module")
def entries() -> list[Entry]:
    return parse_po(PO)


def _describe(offenders: list[Entry], what: str) -> str:
    first = "\n".join(f"  line {e.line}: {e.msgid[:60]!r}" for e in offenders[:10])
    return f"{len(offenders)} msgid(s) {what} in {PO.relative_to(settings.BASE_DIR)}, first ones:\n{first}"


def test_the_parser_reads_the_catalogue(entries):
    assert len(entries) > 1000
    by_id = {e.msgid: e for e in entries}
    assert by_id["身份证号或用户名"].msgstr == {0: "ID number or user name"}
    assert by_id["共 %(n)s 人"].msgid_plural and set(by_id["共 %(n)s 人"].msgstr) == {0, 1}


def test_every_msgid_has_an_english_translation_and_none_is_fuzzy(entries):
    empty = [e for e in entries if not (e.msgstr and all(e.msgstr.values()))]
    fuzzy = [e for e in entries if "fuzzy" in e.flags]
    problems = [_describe(empty, "with an empty msgstr")] if empty else []
    problems += [_describe(fuzzy, "marked fuzzy (check the guess, fix it, drop the flag)")] if fuzzy else []
    if problems:
        pytest.fail("\n".join(problems) + "\n(makemessages, then translate: /work/helpers/apply_i18n.py lists them)")


def test_translations_keep_the_placeholders_of_their_msgid(entries):
    wrong = [
        e
        for e in entries
        for text in e.msgstr.values()
        if Counter(PLACEHOLDER.findall(text)) != Counter(PLACEHOLDER.findall(e.msgid_plural or e.msgid))
    ]
    if wrong:
        pytest.fail(_describe(wrong, "whose translation changes the %(name)s / {name} placeholders"))


def test_plural_entries_have_both_english_forms(entries):
    plural = [e for e in entries if e.msgid_plural is not None]
    assert plural
    short = [e for e in plural if set(e.msgstr) != {0, 1}]
    if short:
        pytest.fail(_describe(short, "without msgstr[0] and msgstr[1]"))


def test_the_compiled_mo_is_the_committed_po(entries):
    """A .po edited without recompiling (or a stale .mo) shows the old English, or the Chinese, on the pages."""
    with MO.open("rb") as file:
        catalog = gettext.GNUTranslations(file)._catalog
    expected = {}
    for e in entries:
        if not e.translated:
            continue  # msgfmt and compilemessages leave fuzzy and empty entries out
        if e.msgid_plural is None:
            expected[e.key] = e.msgstr[0]
        else:
            expected.update({(e.key, i): text for i, text in e.msgstr.items()})
    compiled = {k: v for k, v in catalog.items() if k != ""}
    stale = sorted(str(k)[:60] for k in expected if compiled.get(k) != expected[k])
    extra = sorted(str(k)[:60] for k in compiled if k not in expected)
    hint = "recompile: msgfmt --check -o locale/en/LC_MESSAGES/django.mo locale/en/LC_MESSAGES/django.po"
    assert not stale, f"{len(stale)} entries of the .po differ in the .mo ({hint}); first: {stale[:5]}"
    assert not extra, f"{len(extra)} entries of the .mo are not in the .po ({hint}); first: {extra[:5]}"


# --- The pages, in English -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_sign_in_and_password_reset_pages_have_no_chinese_left_in_english(client):
    for name in ("login", "password_reset"):
        html = client.get(reverse(name), HTTP_ACCEPT_LANGUAGE="en").content.decode()
        # the language switcher names Chinese in Chinese: the only Chinese an English page without data may show
        leftover = CJK.findall(html.replace("简体中文", ""))
        assert not leftover, (name, "".join(leftover))


@pytest.mark.django_db
def test_the_class_missing_column_is_english(client):
    """Issue 8 names it: the class page's 尚缺 (Missing) column listed the gaps in Chinese under English."""
    from tests.training import builders
    from training.models import PersonnelClass
    from training.services.classes import attendance_record

    project = builders.project()
    builders.plan(project, PersonnelClass.SAFETY_MANAGER, online="9.6", theory="14.4")
    oc = builders.offline_class(project, PersonnelClass.SAFETY_MANAGER, code="DY-2024-2-02")
    enrollment, staff = builders.enrol(project, oc), builders.provider_staff(project)
    session = builders.session(oc, hours="6")
    attendance_record(
        session=session,
        enrollment=enrollment,
        recorded_by=staff,
        signed_in_at=timezone.make_aware(datetime.datetime.combine(session.date, session.start)),
        signed_out_at=timezone.make_aware(datetime.datetime.combine(session.date, session.end)),
        reason="纸质签到表补录",
    )
    client.force_login(staff)
    english = client.get(reverse("class-detail", args=[oc.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert ">Missing<" in english
    assert "Total hours 6/24; Offline hours 6/14.4; Compulsory documentary" in english
    assert "Compulsory documentary 《生命重于泰山》 not watched yet" in english
    assert "尚未观看" not in english and "总学时" not in english and "尚缺" not in english
    chinese = client.get(reverse("class-detail", args=[oc.pk])).content.decode()
    assert "尚未观看必学专题片《生命重于泰山》" in chinese and "总学时 6/24" in chinese


@pytest.mark.django_db
def test_the_contract_fee_lines_are_english(client):
    """Issue 8 names it too: "人，元/人" in the project page's service contract."""
    from tests.training import builders
    from training.models import ServiceContract

    project = builders.project()
    ServiceContract.objects.create(
        project=project,
        trainees_class1=10,
        trainees_class2=20,
        trainees_class3=30,
        method="线上线下结合",
        content="三类人员",
        start_date=datetime.date(2024, 3, 1),
        end_date=datetime.date(2024, 12, 31),
        performance_targets="考试合格率不低于90%",
        fee_class1=Decimal("1500.00"),
        fee_class2=Decimal("1200.00"),
        fee_class3=Decimal("1000.50"),
        responsibilities="甲方监督，乙方实施",
    )
    client.force_login(builders.provider_staff(project))
    english = client.get(reverse("project-detail", args=[project.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Team leaders: 30 people, 1000.50 yuan per person" in english
    assert "60 people in total" in english
    assert "元/人" not in english and "合计" not in english
