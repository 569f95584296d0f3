"""Websocket routes of every app, collected in one list."""

from proctoring.routing import websocket_urlpatterns as proctoring_websockets

websocket_urlpatterns = [*proctoring_websockets]
