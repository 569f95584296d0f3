"""The plain baseline for bench/exam_load.py: a bare Django view that writes one row per save (no session, no
rules, no locking, no evidence), served by the same daphne set-up. Run as DJANGO_SETTINGS_MODULE=bench.plain_save."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.plain_save"
MIDDLEWARE = []  # noqa: F811

from django.db import connection  # noqa: E402
from django.http import JsonResponse  # noqa: E402
from django.urls import path  # noqa: E402
from django.views.decorators.csrf import csrf_exempt  # noqa: E402

TABLE = "bench_plain_save"


@csrf_exempt
def save(request):
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {TABLE} (body) VALUES (%s)", [request.body.decode()[:200]])
    return JsonResponse({"ok": True})


@csrf_exempt
def start(request):
    return JsonResponse({"ok": True, "attempt": 0})


urlpatterns = [path("plain/save/", save), path("plain/start/", start)]
