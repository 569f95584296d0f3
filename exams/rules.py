"""The exam rules as pure functions over plain values (安监总培训〔2013〕104号, SPEC 三(三)).

Every door (pages, imports, commands, tasks) reaches these through exams.services; nothing here touches the
database.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import random

from django.utils.translation import gettext as _

OPTION_LETTERS = "ABCDEF"
JUDGE_TRUE, JUDGE_FALSE = "T", "F"
JUDGE_LABELS = {
    "对": JUDGE_TRUE,
    "错": JUDGE_FALSE,
    "正确": JUDGE_TRUE,
    "错误": JUDGE_FALSE,
    "√": JUDGE_TRUE,
    "×": JUDGE_FALSE,
}
JUDGE_DISPLAY = {JUDGE_TRUE: "对", JUDGE_FALSE: "错"}


# --- Questions -------------------------------------------------------------------------------------------------


def question_errors(*, kind: str, options: list[str], answer: str) -> list[tuple[str, str]]:
    """(column, reason) for a question whose options and answer do not fit its type. `options` are A.. in order,
    empty strings where a column was left blank; `answer` is normalised ("ACD", or T/F for judge)."""
    errors = []
    filled = [letter for letter, text in zip(OPTION_LETTERS, options, strict=False) if text]
    if kind == "judge":
        if filled:
            errors.append(("选项A", "判断题不能有选项"))
        if answer not in (JUDGE_TRUE, JUDGE_FALSE):
            errors.append(("答案", "判断题答案须为“对”或“错”"))
        return errors
    if len(filled) < 2:
        errors.append(("选项A", f"至少需要2个选项（现有{len(filled)}个）"))
    gaps = [
        letter
        for letter, text in zip(OPTION_LETTERS, options, strict=False)
        if not text and letter < max(filled or "A")
    ]
    if gaps:
        errors.append((f"选项{gaps[0]}", "选项不能跳空（请从A起连续填写）"))
    if not answer or any(ch not in OPTION_LETTERS for ch in answer):
        errors.append(("答案", "答案须为选项字母，如 B 或 ACD"))
        return errors
    if len(set(answer)) != len(answer):
        errors.append(("答案", f"答案“{answer}”有重复字母"))
    empty = [ch for ch in answer if ch not in filled]
    if empty:
        errors.append(("答案", f"答案“{answer}”指向空选项 {''.join(empty)}"))
    if kind == "single" and len(answer) != 1:
        errors.append(("答案", f"单选题只能有一个答案（现为“{answer}”）"))
    if kind == "multiple" and len(answer) < 2:
        errors.append(("答案", f"多选题至少有两个答案（现为“{answer}”）"))
    return errors


def normalise_answer(kind: str, raw: str) -> str:
    raw = (raw or "").strip().upper().replace(" ", "").replace(",", "").replace("，", "")
    if kind == "judge":
        return JUDGE_LABELS.get(raw, raw if raw in (JUDGE_TRUE, JUDGE_FALSE) else raw)
    return "".join(sorted(raw))


# --- Papers ----------------------------------------------------------------------------------------------------


def shortage_error(*, cell_label: str, wanted: int, available: int) -> str | None:
    if available < wanted:
        return f"{cell_label}：需要{wanted}题，题库只有{available}题"
    return None


def blueprint_total_error(*, total: int, expected: int) -> str | None:
    if total != expected:
        return f"试卷总分为{total}分，考试规则要求{expected}分"
    return None


def draw(seed: int, cells: list[tuple[str, int, list[int]]]) -> list[int]:
    """The version ids of a paper: for each cell (label, count, sorted candidate ids) a seeded sample, then the
    whole paper shuffled. The same seed and candidates always give the same paper."""
    rng = random.Random(seed)
    chosen = []
    for _label, count, candidates in cells:
        chosen += rng.sample(sorted(candidates), count)
    rng.shuffle(chosen)
    return chosen


def option_order(seed: int, position: int, n_options: int) -> str:
    """Shown letter i → original letter order[i]; '' for judge questions."""
    if not n_options:
        return ""
    letters = list(OPTION_LETTERS[:n_options])
    random.Random(f"{seed}:{position}").shuffle(letters)
    return "".join(letters)


def to_original(shown: str, order: str) -> str:
    """Shown letters → original letters (judge answers pass through)."""
    if not order:
        return shown
    return "".join(sorted(order[OPTION_LETTERS.index(ch)] for ch in shown))


# --- Grading ---------------------------------------------------------------------------------------------------


def grade_item(*, kind: str, given: str, correct: str, points: int, partial: bool) -> int:
    """Points for one answer. Multiple choice: all or nothing, or with partial credit half the points (rounded
    down) for a non-empty subset of the right options; any wrong option scores nothing."""
    given = "".join(sorted(set(given or "")))
    correct = "".join(sorted(correct))
    if given == correct:
        return points
    if kind == "multiple" and partial and given and set(given) < set(correct):
        return points // 2
    return 0


def is_pass(*, score: int, pass_mark: int) -> bool:
    return score >= pass_mark


def pass_flag_error(*, score: int, passed: bool, pass_mark: int) -> str | None:
    if passed != is_pass(score=score, pass_mark=pass_mark):
        expected = "合格" if is_pass(score=score, pass_mark=pass_mark) else "不合格"
        return f"成绩{score}分按合格线{pass_mark}分应为“{expected}”"
    return None


# --- Eligibility and timing ------------------------------------------------------------------------------------


def eligibility_reasons(
    *,
    withdrawn: bool,
    complete: bool,
    progress_reasons: list[str],
    passed: bool,
    attempts_used: int,
    max_attempts: int,
) -> list[str]:
    """Why a trainee may not start an exam now; [] = eligible."""
    if withdrawn:
        return [_("已退出培训项目")]
    if passed:
        return [_("已考试合格")]
    reasons = []
    if not complete:
        # Translators: the separator between listed reasons, as in “总学时 0/24；线下学时 0/14.4”
        separator = _("；")
        reasons.append(_("培训未完成：%(gaps)s") % {"gaps": separator.join(progress_reasons)})
    if attempts_used >= max_attempts:
        reasons.append(_("考试次数已用完（%(used)d/%(max)d）") % {"used": attempts_used, "max": max_attempts})
    return reasons


def answer_time_error(*, now: datetime.datetime, deadline: datetime.datetime, grace_seconds: float) -> str | None:
    if now > deadline + datetime.timedelta(seconds=grace_seconds):
        return _("考试时间已到，答案未保存")
    return None


def remaining_seconds(*, now: datetime.datetime, deadline: datetime.datetime) -> int:
    return max(0, int((deadline - now).total_seconds()))


def deadline_for(*, started_at, duration_minutes: int, closes_at):
    """The attempt ends after its duration, but never after the sitting closes."""
    return min(started_at + datetime.timedelta(minutes=duration_minutes), closes_at)


# --- Evidence --------------------------------------------------------------------------------------------------


def event_hash(*, prev_hash: str, seq: int, kind: str, at: str, data: dict) -> str:
    body = json.dumps([prev_hash, seq, kind, at, data], ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(body.encode()).hexdigest()


# --- Public display --------------------------------------------------------------------------------------------


def mask_name(name: str) -> str:
    """张*明, 李*, 欧阳**锋: first and last character kept (two-character names keep the first)."""
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def mask_id_number(id_number: str) -> str:
    return id_number[:6] + "********" + id_number[-4:] if len(id_number) == 18 else "*" * len(id_number)
