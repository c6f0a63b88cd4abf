import contextlib

import pytest

from tests.e2e.platform import Platform


@pytest.fixture
def platform_env() -> dict[str, str]:
    """Extra environment for the platform under test; a test module may override this fixture."""
    return {}


@pytest.fixture
def platform_fresh() -> bool:
    """Whether the platform migrates from an empty database (a new user's first start) instead of starting
    from the session's migrated template; a test module may override this fixture."""
    return False


@pytest.fixture
def platform(tmp_path_factory, platform_env, platform_fresh):
    # A short path: the embedded Redis's unix socket path must stay under 108 bytes.
    running = Platform(tmp_path_factory.mktemp("up"), extra_env=platform_env, fresh=platform_fresh)
    running.start()
    try:
        yield running
    finally:
        with contextlib.suppress(Exception):  # a clean stop also ends the embedded Redis it started
            running.stop(timeout=30)
        running.cleanup()
