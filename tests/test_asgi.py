"""The websocket door checks the Origin with its port (issue 7, finding 14): a page of another service on the
same host (another port) cannot open a study websocket with the trainee's cookies."""

import pytest
from channels.testing import WebsocketCommunicator

from config.asgi import application, origin_allowed

pytestmark = pytest.mark.django_db(transaction=True)


async def _connect(origin: bytes, host: bytes = b"testserver") -> bool:
    headers = [(b"origin", origin), (b"host", host)] if origin else [(b"host", host)]
    comm = WebsocketCommunicator(application, "/ws/study/1/", headers=headers)
    connected, _ = await comm.connect(timeout=5)
    await comm.disconnect()
    return connected


async def test_same_origin_reaches_the_consumer():
    assert await _connect(b"http://testserver")  # accepted, then the consumer refuses an anonymous user itself


async def test_an_origin_with_another_port_is_refused():
    assert not await _connect(b"http://testserver:8001")
    assert not await _connect(b"http://127.0.0.1:8001", host=b"127.0.0.1:8000")


async def test_a_missing_or_foreign_origin_is_refused():
    assert not await _connect(b"")
    assert not await _connect(b"http://evil.example")


def test_origin_rule(settings):
    assert origin_allowed("https://training.example.gov.cn", "training.example.gov.cn")  # 443 on both sides
    assert origin_allowed("http://127.0.0.1:8000", "127.0.0.1:8000")
    assert not origin_allowed("http://127.0.0.1:8000", "127.0.0.1:8001")
    assert not origin_allowed("http://training.example.gov.cn", "training.example.gov.cn:443")
    settings.CSRF_TRUSTED_ORIGINS = ["https://training.example.gov.cn"]
    assert origin_allowed("https://training.example.gov.cn", "10.0.0.5:8001")  # a proxy that rewrites Host
