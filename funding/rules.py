"""The fund's rules as plain functions over plain values (SPEC 'Money'; 13号 art. 5–6; 社会保险法 art. 87)."""

from __future__ import annotations

import hashlib
from decimal import Decimal

BP = 10000  # shares are kept in basis points (万分比): 300 = 3 %


def yuan(fen: int) -> str:
    """Fen as yuan for pages and exports only ("1,234.56")."""
    sign = "-" if fen < 0 else ""
    fen = abs(int(fen))
    return f"{sign}{fen // 100:,}.{fen % 100:02d}"


def fen_error(value, label: str = "金额") -> str | None:
    """Money is a whole number of fen, not negative (a yuan figure finer than a fen is refused, never rounded)."""
    if isinstance(value, bool) or value is None:
        return f"{label}：必须填写"
    try:
        d = Decimal(str(value))
    except Exception:
        return f"{label}：不是数字"
    if d != d.to_integral_value():
        return f"{label}：不能小于一分"
    if d < 0:
        return f"{label}：不能为负数"
    return None


def yuan_to_fen(value) -> int:
    """Parse a yuan figure from a form ("12.34") into fen; refuses fractions of a fen and negatives."""
    try:
        d = Decimal(str(value).replace(",", "").strip())
    except Exception as exc:
        raise ValueError("金额：不是数字") from exc
    fen = d * 100
    if fen != fen.to_integral_value():
        raise ValueError("金额：不能小于一分")
    if fen < 0:
        raise ValueError("金额：不能为负数")
    return int(fen)


def cap_fen(income_fen: int, share_bp: int) -> int:
    """The budget cap: share of last year's contribution income, rounded down to the fen."""
    return income_fen * share_bp // BP


def share_error(*, share_bp: int, max_share_bp: int, approval_number: str, approval_date) -> str | None:
    """13号 art. 5: at most the rule's share (3 %), more only with the provincial approval recorded."""
    if share_bp <= 0:
        return "预防费比例：必须大于0"
    if share_bp > BP:
        return "预防费比例：不能超过100%"
    if share_bp > max_share_bp and not (approval_number.strip() and approval_date):
        return (
            f"预防费比例 {share_bp / 100:g}% 超过 {max_share_bp / 100:g}%："
            "须登记省级人力资源社会保障和财政部门的批准文号及日期"
        )
    return None


def over_cap_error(*, cap: int, reserved: int, amount: int) -> str | None:
    if reserved + amount > cap:
        return (
            f"超出预算上限：上限 {yuan(cap)} 元，已预留 {yuan(reserved)} 元，"
            f"本合同 {yuan(amount)} 元，尚可预留 {yuan(max(cap - reserved, 0))} 元"
        )
    return None


def low_price_warning(*, fee_fen: int, hours: Decimal, benchmark_fen_per_hour: int, label: str) -> str | None:
    """严防低价竞争: a fee per training hour below the region's cost benchmark is a warning sign."""
    if not benchmark_fen_per_hour or not hours:
        return None
    per_hour = Decimal(fee_fen) / Decimal(hours)
    if per_hour < benchmark_fen_per_hour:
        return (
            f"{label}：每学时 {yuan(int(per_hour))} 元，低于本地区成本基准 {yuan(benchmark_fen_per_hour)} 元"
            "（严防低价竞争）"
        )
    return None


def claim_amount(*, fee_fen: int, online_fee_fen: int, online_tendered: bool) -> int:
    """The online part of a fee is paid from the fund only where online training was procured by tender."""
    return fee_fen if online_tendered else fee_fen - online_fee_fen


def stage_error(*, amount_fen: int, advance_bp: int, paid_fen: int, payment_fen: int, accepted: bool) -> str | None:
    """Before acceptance (验收) payments on a contract stay within its advance share; the rest, the final payment,
    needs the recorded acceptance. Payments never pass the reservation."""
    if paid_fen + payment_fen > amount_fen:
        return f"超出合同预留金额：合同 {yuan(amount_fen)} 元，已支付 {yuan(paid_fen)} 元，本次 {yuan(payment_fen)} 元"
    advance_cap = amount_fen * advance_bp // BP
    if not accepted and paid_fen + payment_fen > advance_cap:
        return (
            f"项目尚未验收：验收前最多支付预付部分 {yuan(advance_cap)} 元（已支付 {yuan(paid_fen)} 元，"
            f"本次 {yuan(payment_fen)} 元），尾款须先登记验收"
        )
    return None


def fine_error(*, times: Decimal, min_times: int, max_times: int) -> str | None:
    if not (min_times <= times <= max_times):
        return f"罚款倍数：须在骗取金额的 {min_times} 至 {max_times} 倍之间"
    return None


def entry_digest(prev_hash: str, fields: tuple) -> str:
    """SHA-256 of the previous hash and the entry's own fields, in one canonical text."""
    text = prev_hash + "|" + "|".join("" if f is None else str(f) for f in fields)
    return hashlib.sha256(text.encode()).hexdigest()


# Why a trainee cannot be claimed, as the provider reads it.
NOT_PASSED = "考试未通过"
OPEN_FLAG = "有待审核的代学标记"
CONFIRMED_FLAG = "代学已确认（不得申领）"
REVOKED = "证书已撤销"
WITHDRAWN = "已退出项目"


def claim_reasons(
    *,
    has_terms: bool,
    cancelled: bool,
    has_price: bool,
    withdrawn: bool,
    progress_reasons: list[str],
    passed: bool,
    revoked: bool,
    flag_statuses: set[str],
    claimed_here: bool,
    claimed_by: str | None,
) -> list[str]:
    """Every reason a trainee is not claimable (empty = claimable). SPEC 'Money': the fund pays for trainees who
    were genuinely trained and passed; a person is paid for once in the whole program."""
    reasons = []
    if not has_terms:
        reasons.append("合同资金条款尚未登记")
    elif cancelled:
        reasons.append("服务合同已解除")
    elif not has_price:
        reasons.append("合同未约定该类人员的价格")
    if withdrawn:
        reasons.append(WITHDRAWN)
    if progress_reasons:
        reasons.append("培训未完成：" + "；".join(progress_reasons))
    if revoked:
        reasons.append(REVOKED)
    elif not passed:
        reasons.append(NOT_PASSED)
    if "confirmed" in flag_statuses:
        reasons.append(CONFIRMED_FLAG)
    if "open" in flag_statuses:
        reasons.append(OPEN_FLAG)
    if claimed_here:
        reasons.append("已申领（每人只能支付一次）")
    elif claimed_by is not None:
        reasons.append(f"已由{claimed_by}申领（全项目每人只能支付一次）")
    return reasons
