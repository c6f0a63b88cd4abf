import pytest

from tests.e2e.platform import Platform


@pytest.fixture
def platform(tmp_path_factory):
    # A short path: the embedded Redis's unix socket path must stay under 108 bytes.
    running = Platform(tmp_path_factory.mktemp("up"))
    running.start()
    try:
        yield running
    finally:
        running.cleanup()
