"""The session's sign-in QR code: HMAC-signed, rotating every 30 seconds, bound to its session and action."""

import time

import pytest
from django.core.exceptions import ValidationError

from training.services.checkin import (
    CHECK_IN,
    CHECK_OUT,
    TOKEN_SECONDS,
    checkin_ticket,
    checkin_ticket_verify,
    checkin_token,
    checkin_token_verify,
)

NOW = 1_780_000_000.0


def _refused(**kwargs) -> ValidationError:
    with pytest.raises(ValidationError) as exc:
        checkin_token_verify(**kwargs)
    return exc.value


def test_a_fresh_code_gives_its_action():
    assert (
        checkin_token_verify(session_id=7, token=checkin_token(session_id=7, action=CHECK_IN, now=NOW), now=NOW)
        == "in"
    )
    token = checkin_token(session_id=7, action=CHECK_OUT, now=NOW)
    assert checkin_token_verify(session_id=7, token=token, now=NOW + TOKEN_SECONDS) == "out"


def test_a_code_older_than_the_rotation_window_is_refused():
    token = checkin_token(session_id=7, action=CHECK_IN, now=NOW)
    error = _refused(session_id=7, token=token, now=NOW + TOKEN_SECONDS + 1)
    assert error.messages == ["二维码已过期（每 30 秒更换）：请扫描屏幕上当前的二维码"] and error.code == "expired"


def test_a_code_from_the_future_is_refused():
    token = checkin_token(session_id=7, action=CHECK_IN, now=NOW + 60)
    assert _refused(session_id=7, token=token, now=NOW).code == "expired"


def test_a_forged_hmac_is_refused():
    session, action, issued, signature = checkin_token(session_id=7, action=CHECK_IN, now=NOW).split(".")
    forged = f"{session}.{action}.{issued}.{'0' * len(signature)}"
    assert _refused(session_id=7, token=forged, now=NOW).messages == ["二维码无效：签名不符"]
    # a photo of an old code with its time edited to now: the HMAC no longer matches
    old = checkin_token(session_id=7, action=CHECK_IN, now=NOW - 600).split(".")
    edited = f"{old[0]}.{old[1]}.{int(NOW)}.{old[3]}"
    assert _refused(session_id=7, token=edited, now=NOW).code == "forged"
    # a sign-in code turned into a sign-out code
    assert _refused(session_id=7, token=f"{session}.out.{issued}.{signature}", now=NOW).code == "forged"


def test_a_code_of_another_session_is_refused():
    token = checkin_token(session_id=8, action=CHECK_IN, now=NOW)
    assert _refused(session_id=7, token=token, now=NOW).messages == ["该二维码属于另一课次，不能用于本课次签到"]


@pytest.mark.parametrize("token", ["", "abc", "7.in.x.y", "7.sideways.1.abc"])
def test_garbage_is_refused(token):
    assert _refused(session_id=7, token=token, now=NOW).code == "invalid"


def test_the_key_is_the_secret_key(settings):
    token = checkin_token(session_id=7, action=CHECK_IN)
    settings.SECRET_KEY = "another-deployment-" * 3
    assert _refused(session_id=7, token=token).code == "forged"


def test_the_ticket_is_bound_to_the_user_and_the_session():
    ticket = checkin_ticket(session_id=7, action=CHECK_OUT, user_id=3)
    assert checkin_ticket_verify(session_id=7, ticket=ticket, user_id=3) == "out"
    with pytest.raises(ValidationError, match="不属于本课次或本人"):
        checkin_ticket_verify(session_id=7, ticket=ticket, user_id=4)
    with pytest.raises(ValidationError, match="不属于本课次或本人"):
        checkin_ticket_verify(session_id=8, ticket=ticket, user_id=3)
    with pytest.raises(ValidationError, match="签名不符"):
        checkin_ticket_verify(session_id=7, ticket=ticket[:-2] + "xx", user_id=3)


def test_the_ticket_expires(monkeypatch):
    ticket = checkin_ticket(session_id=7, action=CHECK_IN, user_id=3)
    later = time.time() + 121
    monkeypatch.setattr(time, "time", lambda: later)
    with pytest.raises(ValidationError, match="签到已超时"):
        checkin_ticket_verify(session_id=7, ticket=ticket, user_id=3)
