"""ASGI entry point: HTTP through Django, websockets through Channels (served by daphne).

A websocket is accepted only from a page of this very site: its Origin must be one of ALLOWED_HOSTS (Channels'
AllowedHostsOriginValidator) AND have the scheme, host and port the browser connected to (the Host header), or be
listed in CSRF_TRUSTED_ORIGINS, the rule Django's CSRF check applies to forms. Host alone is not enough: another
service on the same host but another port is another origin (issue 7, finding 14).
"""

import os
from urllib.parse import urlsplit

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

# Django must be set up before anything imports models (the websocket routes do).
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator, WebsocketDenier  # noqa: E402
from django.conf import settings  # noqa: E402

from config.routing import websocket_urlpatterns  # noqa: E402

_DEFAULT_PORTS = {"http": 80, "ws": 80, "https": 443, "wss": 443}


def _netloc(scheme: str, host: str) -> tuple[str, int] | None:
    """(host name, port) with the scheme's default port filled in; None when it does not parse."""
    try:
        parts = urlsplit(f"{scheme}://{host}")
        return (parts.hostname or "").lower(), parts.port or _DEFAULT_PORTS.get(scheme)
    except ValueError:
        return None


def origin_allowed(origin: str, host: str) -> bool:
    """The Origin header names this site: same scheme-host-port as the request's Host, or a trusted origin."""
    if not origin or origin == "null":
        return False
    if origin in settings.CSRF_TRUSTED_ORIGINS:
        return True
    scheme = urlsplit(origin).scheme
    if scheme not in _DEFAULT_PORTS or not host:
        return False
    return _netloc(scheme, urlsplit(origin).netloc) == _netloc(scheme, host) is not None


class SameOriginValidator:
    """Refuses a websocket whose Origin is not exactly this site (scheme, host and port)."""

    def __init__(self, application):
        self.application = application

    async def __call__(self, scope, receive, send):
        headers = dict(scope.get("headers", ()))
        origin = headers.get(b"origin", b"").decode("latin1")
        host = headers.get(b"host", b"").decode("latin1")
        if scope["type"] == "websocket" and not origin_allowed(origin, host):
            denier = WebsocketDenier()
            return await denier(scope, receive, send)
        return await self.application(scope, receive, send)


application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(
            SameOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns)))
        ),
    }
)
