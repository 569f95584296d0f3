"""Websocket routes of every app, collected in one list."""

websocket_urlpatterns = []
