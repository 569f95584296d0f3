from django.urls import path

from proctoring.consumers import StudyConsumer

websocket_urlpatterns = [
    path("ws/study/<int:lesson_id>/", StudyConsumer.as_asgi()),
]
