import os
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

FACES_DIR = Path(os.environ.get("FACES_DIR", Path(settings.BASE_DIR).parent / "shared" / "faces"))


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language: a request with Accept-Language: en (LocaleMiddleware) would
    otherwise leave English active in the thread for the tests that follow."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def faces_dir() -> Path:
    """The shared face photos (never copied into the repository)."""
    if not FACES_DIR.is_dir():
        pytest.skip(f"face photos not found at {FACES_DIR} (set FACES_DIR)")
    return FACES_DIR


def _is_postgres() -> bool:
    return settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


def pytest_collection_modifyitems(config, items):
    skip_pg = pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL=postgres://...")
    skip_redis = pytest.mark.skip(reason="needs Redis: set REDIS_URL=redis://...")
    for item in items:
        if "postgres" in item.keywords and not _is_postgres():
            item.add_marker(skip_pg)
        if "redis" in item.keywords and not settings.REDIS_URL:
            item.add_marker(skip_redis)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Accounts are created by the hundred in tests: a fast hasher (production keeps Django's default)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _default_language():
    """A request with Accept-Language: en leaves English active in the thread; the next test starts in Chinese."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
