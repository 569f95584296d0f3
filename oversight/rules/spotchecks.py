"""The rules of spot checks and revisits (随机抽查, 培训回访: SPEC 三(三)), as pure functions over plain values."""

from __future__ import annotations

import random

from django.utils.translation import gettext as _

SEED_BITS = 62  # fits PostgreSQL's bigint


def draw_ids(*, seed: int, population: list[int], size: int) -> list[int]:
    """The ids drawn from `population` with `seed`: the same seed and population always give the same ids, in
    the order drawn. The population is sorted first, so the order the database returned it in does not matter."""
    ordered = sorted(population)
    return random.Random(seed).sample(ordered, min(size, len(ordered)))


def sample_size_error(size: int, *, what: str) -> str | None:
    if size < 0:
        return _("%(what)s抽取数量不能为负数：%(n)d") % {"what": what, "n": size}
    return None


def head_count_errors(*, present: int, absent: int, roster_size: int) -> list[str]:
    """Present and absent counted in the room make up at most the class's roster."""
    if present + absent > roster_size:
        return [
            _("实到%(present)d人加缺勤%(absent)d人共%(sum)d人，超过班级名单%(roster)d人")
            % {"present": present, "absent": absent, "sum": present + absent, "roster": roster_size}
        ]
    return []


def revisit_finding(*, reached: bool, attended: bool | None, studied: bool | None) -> str:
    """What a revisit found: "unreachable" when the person was not reached; "not_studied" when they said they did
    not attend the offline classes or did not study online themselves; "genuine" otherwise."""
    if not reached:
        return "unreachable"
    if attended is False or studied is False:
        return "not_studied"
    return "genuine"


def revisit_answer_errors(*, reached: bool, attended: bool | None, studied: bool | None) -> list[str]:
    if reached and attended is None and studied is None:
        return [_("联系到本人时，请至少填写是否参加线下培训或是否本人完成线上学习")]
    return []
