import pytest

from forum import queue


@pytest.fixture(autouse=True)
def _empty_queue():
    """What a test left waiting in the (in-memory) queue doesn't run in another's."""
    yield
    queue.huey.flush()
