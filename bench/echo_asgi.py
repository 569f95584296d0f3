"""The plain baseline for bench/ws_sessions.py: a bare echo consumer (no auth, no database, no groups) served by
the same daphne and channel layer settings."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from channels.generic.websocket import AsyncJsonWebsocketConsumer  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.urls import path  # noqa: E402


class Echo(AsyncJsonWebsocketConsumer):
    async def connect(self):
        await self.accept()
        await self.send_json({"type": "started"})

    async def receive_json(self, content, **kwargs):
        await self.send_json({"type": "ack", "t": content.get("t")})


application = ProtocolTypeRouter({"websocket": URLRouter([path("ws/echo/", Echo.as_asgi())])})
