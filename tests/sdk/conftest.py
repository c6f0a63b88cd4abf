"""One real platform (``manage.py up``) for the SDK and CLI tests, and an admin's clients for it."""

from __future__ import annotations

import contextlib

import pytest

from tests.e2e.platform import ADMIN_PASSWORD, Platform


@pytest.fixture(scope="session")
def sdk_platform(tmp_path_factory):
    running = Platform(tmp_path_factory.mktemp("sdk"), extra_env={"ALLOW_PRIVATE_WEBHOOK_TARGETS": "true"})
    running.start()
    try:
        running.wait_healthy()
        yield running
    finally:
        with contextlib.suppress(Exception):  # a clean stop also ends the embedded Redis it started
            running.stop(timeout=30)
        running.cleanup()


@pytest.fixture(scope="session")
def admin(sdk_platform):
    from monitoring_api import Client

    with Client(username="admin", password=ADMIN_PASSWORD, base_url=sdk_platform.url) as client:
        yield client


@pytest.fixture(scope="session")
def write_key(admin):
    return admin.api_keys.create(name="ci", scope="write")["key"]


@pytest.fixture
def client(sdk_platform, write_key):
    from monitoring_api import Client

    with Client(api_key=write_key, base_url=sdk_platform.url) as client:
        yield client
