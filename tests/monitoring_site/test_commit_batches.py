"""One flush per transaction and key, after the commit; a rolled-back savepoint drops its batch."""

import pytest
from django.db import transaction

from monitoring_site.commit_batches import on_commit_batched

pytestmark = pytest.mark.django_db


def test_items_of_one_transaction_flush_once_after_the_commit(django_capture_on_commit_callbacks):
    flushed: list[list[str]] = []
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        on_commit_batched("a", "1", flushed.append)
        on_commit_batched("a", "2", flushed.append)
        on_commit_batched("b", "x", flushed.append)
        assert flushed == []  # nothing before the commit
    assert len(callbacks) == 2 and flushed == [["1", "2"], ["x"]]


def test_a_rolled_back_savepoint_drops_its_batch(django_capture_on_commit_callbacks):
    flushed: list[list[str]] = []
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        try:
            with transaction.atomic():
                on_commit_batched("a", "gone", flushed.append)
                raise RuntimeError
        except RuntimeError:
            pass
        on_commit_batched("a", "kept", flushed.append)
        on_commit_batched("a", "also", flushed.append)
    assert flushed == [["kept", "also"]]


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_flush_runs_at_once():
    flushed: list[list[str]] = []
    on_commit_batched("a", "1", flushed.append)
    on_commit_batched("a", "2", flushed.append)
    assert flushed == [["1"], ["2"]]
    with transaction.atomic():
        on_commit_batched("a", "3", flushed.append)
        on_commit_batched("a", "4", flushed.append)
    assert flushed == [["1"], ["2"], ["3", "4"]]
    with pytest.raises(RuntimeError), transaction.atomic():
        on_commit_batched("a", "rolled back", flushed.append)
        raise RuntimeError
    on_commit_batched("a", "5", flushed.append)
    assert flushed[-1] == ["5"] and ["rolled back"] not in flushed
