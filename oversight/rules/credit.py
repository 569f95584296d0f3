"""The credit score of providers and teachers (信用体系, SPEC 三(三)), as pure functions over plain figures.

Each part scores 0–100 from its figures; the score is the weighted mean (weights: oversight.models.CreditWeights,
data with an effective date) over the parts that have figures, so a provider nobody has sat an exam with yet is
not marked down for it. The figures behind each part are kept with the score, and a change of score names the
parts that moved, with their figures.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

PARTS = ("pass_rate", "flag_rate", "spot_checks", "revisits", "complaints")
PERFECT = Decimal(100)
TENTH = Decimal("0.1")


def _pct(part: int, whole: int) -> Decimal:
    return (Decimal(part) * 100 / Decimal(whole)).quantize(TENTH, rounding=ROUND_HALF_UP)


def _floor0(value: Decimal) -> Decimal:
    return max(Decimal(0), value).quantize(TENTH, rounding=ROUND_HALF_UP)


def part_labels() -> dict[str, str]:
    return {
        "pass_rate": _("考试合格率"),
        "flag_rate": _("确认异常率"),
        "spot_checks": _("随机抽查"),
        "revisits": _("培训回访"),
        "complaints": _("投诉"),
    }


def part_scores(figures: dict[str, int], *, complaint_points: int) -> dict[str, Decimal | None]:
    """Each part's 0–100 score from the figures (None: no figures yet).

    - pass_rate: share of the people who sat an exam who passed it;
    - flag_rate: 100 minus the share of enrolments with a confirmed flag (proxy study, exam incident, revisit);
    - spot_checks: 100 minus the share of spot checks with findings, a serious finding counting twice;
    - revisits: share of the people reached on a revisit who really attended and studied;
    - complaints: 100 minus `complaint_points` per substantiated complaint."""
    f = figures
    return {
        "pass_rate": _pct(f["passed"], f["sat"]) if f["sat"] else None,
        "flag_rate": _floor0(PERFECT - _pct(f["flagged"], f["enrolled"])) if f["enrolled"] else None,
        "spot_checks": (_floor0(PERFECT - _pct(f["minor"] + 2 * f["serious"], f["checks"])) if f["checks"] else None),
        "revisits": _pct(f["reached"] - f["not_studied"], f["reached"]) if f["reached"] else None,
        "complaints": _floor0(PERFECT - Decimal(f["complaints"] * complaint_points)),
    }


def combine(scores: dict[str, Decimal | None], weights: dict[str, int]) -> Decimal:
    """The weighted mean of the parts that have a score; 100 when none has (nothing against the subject)."""
    total = sum(weights[p] for p in PARTS if scores[p] is not None)
    if not total:
        return PERFECT
    value = sum(scores[p] * weights[p] for p in PARTS if scores[p] is not None) / Decimal(total)
    return value.quantize(TENTH, rounding=ROUND_HALF_UP)


def part_text(part: str, figures: dict[str, int]) -> str:
    """The figures behind one part, as people read them."""
    f = figures
    texts = {
        "pass_rate": _("参加考试%(sat)d人，合格%(passed)d人"),
        "flag_rate": _("学员%(enrolled)d人，有确认异常%(flagged)d人"),
        "spot_checks": _("抽查%(checks)d次，一般问题%(minor)d次，严重问题%(serious)d次"),
        "revisits": _("回访联系到%(reached)d人，其中未参训学习%(not_studied)d人"),
        "complaints": _("属实投诉%(complaints)d件"),
    }
    return texts[part] % f


def components(figures: dict[str, int], *, weights: dict[str, int], complaint_points: int) -> dict:
    """What is stored with a score: each part's score, weight, figures and their text (JSON-ready)."""
    scores = part_scores(figures, complaint_points=complaint_points)
    return {
        part: {
            "score": None if scores[part] is None else str(scores[part]),
            "weight": weights[part],
            "text": part_text(part, figures),
        }
        for part in PARTS
    } | {"figures": dict(figures)}


def score_of(stored: dict, weights: dict[str, int]) -> Decimal:
    scores = {p: None if stored[p]["score"] is None else Decimal(stored[p]["score"]) for p in PARTS}
    return combine(scores, weights)


def reasons(previous: dict | None, current: dict, *, old_score: Decimal | None, new_score: Decimal) -> list[str]:
    """Why the score is what it is: on the first calculation, each part's figures; afterwards, each part whose
    score or figures moved, from what to what and the figures now."""
    labels = part_labels()
    if previous is None:
        return [_("首次评分%(score)s分") % {"score": new_score}] + [
            f"{labels[p]}：{current[p]['score'] or '—'}（{current[p]['text']}）" for p in PARTS
        ]
    out = []
    for part in PARTS:
        before, now = previous.get(part, {}), current[part]
        if before.get("score") == now["score"] and before.get("text") == now["text"]:
            continue
        out.append(
            _("%(part)s：由%(old)s变为%(new)s（%(text)s）")
            % {
                "part": labels[part],
                "old": before.get("score") or "—",
                "new": now["score"] or "—",
                "text": now["text"],
            }
        )
    if old_score is not None and old_score != new_score:
        verb = _("下降") if new_score < old_score else _("上升")
        out.insert(
            0,
            _("信用分由%(old)s%(verb)s至%(new)s") % {"old": old_score, "verb": verb, "new": new_score},
        )
    return out
