"""The sign-in QR code of an offline session (SPEC 三(三): attendance evidence the trainee produces, not the provider).

The teacher's screen shows a code that rotates every TOKEN_SECONDS; each code is an HMAC (keyed by SECRET_KEY,
salted for this use) of the session, the action (sign in / sign out) and the moment it was issued. A photo of the
code is refused once it is older than the rotation window; a code made up or edited fails the HMAC; a code of
another session is refused by the session it names.

Scanning opens the check-in page; a check that passes gives the signed-in trainee a ticket (django.core.signing,
bound to the user) valid for TICKET_SECONDS, so taking the face photo on the phone may take a moment longer than
the rotation window without letting an old code in.
"""

from __future__ import annotations

import time

from django.core import signing
from django.core.exceptions import ValidationError
from django.utils.crypto import constant_time_compare, salted_hmac

CHECK_IN = "in"
CHECK_OUT = "out"
ACTIONS = {CHECK_IN: "签到", CHECK_OUT: "签退"}
TOKEN_SECONDS = 30
CLOCK_SKEW_SECONDS = 2  # several web processes: a code issued by one may be checked by another a moment "earlier"
TICKET_SECONDS = 120
_SALT = "training.attendance.qr"


def _signature(session_id: int, action: str, issued: int) -> str:
    return salted_hmac(_SALT, f"{session_id}:{action}:{issued}", algorithm="sha256").hexdigest()[:32]


def checkin_token(*, session_id: int, action: str, now: float | None = None) -> str:
    """The code shown on the teacher's screen now: "<session>.<action>.<issued unix second>.<hmac>"."""
    if action not in ACTIONS:
        raise ValueError(action)
    issued = int(time.time() if now is None else now)
    return f"{session_id}.{action}.{issued}.{_signature(session_id, action, issued)}"


def checkin_token_verify(*, session_id: int, token: str, now: float | None = None) -> str:
    """The action ("in"/"out") of a valid, fresh code of this session; ValidationError with the reason otherwise."""
    parts = (token or "").strip().split(".")
    if len(parts) != 4 or parts[1] not in ACTIONS or not parts[0].isdigit() or not parts[2].isdigit():
        raise ValidationError("二维码无效：请扫描老师屏幕上的签到二维码", code="invalid")
    token_session, action, issued = int(parts[0]), parts[1], int(parts[2])
    if not constant_time_compare(parts[3], _signature(token_session, action, issued)):
        raise ValidationError("二维码无效：签名不符", code="forged")
    if token_session != session_id:
        raise ValidationError("该二维码属于另一课次，不能用于本课次签到", code="other_session")
    age = (time.time() if now is None else now) - issued
    if age > TOKEN_SECONDS or age < -CLOCK_SKEW_SECONDS:
        raise ValidationError(f"二维码已过期（每 {TOKEN_SECONDS} 秒更换）：请扫描屏幕上当前的二维码", code="expired")
    return action


def checkin_ticket(*, session_id: int, action: str, user_id: int) -> str:
    """After a fresh code was scanned: lets this user finish (face photo) within TICKET_SECONDS."""
    return signing.dumps({"s": session_id, "a": action, "u": user_id}, salt=f"{_SALT}.ticket")


def checkin_ticket_verify(*, session_id: int, ticket: str, user_id: int) -> str:
    """The action of a ticket this user got for this session less than TICKET_SECONDS ago."""
    try:
        data = signing.loads(ticket or "", salt=f"{_SALT}.ticket", max_age=TICKET_SECONDS)
    except signing.SignatureExpired:
        raise ValidationError("签到已超时：请重新扫描屏幕上的二维码", code="expired") from None
    except signing.BadSignature:
        raise ValidationError("二维码无效：签名不符", code="forged") from None
    if data.get("s") != session_id or data.get("u") != user_id or data.get("a") not in ACTIONS:
        raise ValidationError("二维码无效：不属于本课次或本人", code="invalid")
    return data["a"]
