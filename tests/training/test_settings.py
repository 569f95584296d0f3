"""Settings come from the environment: start-up refuses an unset SECRET_KEY in production, check --deploy is
clean, and REDIS_URL switches the channel layer and Celery between in-process and Redis."""

import json
import os
import subprocess
import sys

from django.conf import settings

PRINT_SETTINGS = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({'layer': s.CHANNEL_LAYERS['default']['BACKEND'], 'eager': s.CELERY_TASK_ALWAYS_EAGER, "
    "'broker': s.CELERY_BROKER_URL}))"
)


def _run(args, **env):
    base = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "REDIS_URL", "ALLOWED_HOSTS"}}
    base.pop("CELERY_TASK_ALWAYS_EAGER", None)  # pytest-env sets it for the tests themselves
    base["DJANGO_SETTINGS_MODULE"] = "config.settings"
    return subprocess.run(
        [sys.executable, *args], cwd=settings.BASE_DIR, env=base | env, capture_output=True, text=True, timeout=120
    )


def test_production_without_secret_key_refuses_to_start():
    result = _run(["manage.py", "check"], DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_check_deploy_is_clean():
    result = _run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        DEBUG="0",
        SECRET_KEY="k8#Qv2!rT9zLm4@pX7wN1yB6cH3jF0sD5gA8eU2iO9uK4tR7-long-enough",
        ALLOWED_HOSTS="training.example.gov.cn",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_without_redis_everything_runs_in_one_process():
    result = _run(["-c", PRINT_SETTINGS], DEBUG="1")
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values == {"layer": "channels.layers.InMemoryChannelLayer", "eager": True, "broker": "memory://"}


def test_with_redis_the_channel_layer_and_celery_use_it():
    result = _run(["-c", PRINT_SETTINGS], DEBUG="1", REDIS_URL="redis://127.0.0.1:6379/1")
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values == {
        "layer": "channels_redis.core.RedisChannelLayer",
        "eager": False,
        "broker": "redis://127.0.0.1:6379/1",
    }
