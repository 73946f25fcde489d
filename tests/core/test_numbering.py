import pytest
from django.db import transaction

from core.numbering import next_number, peek_number
from tests.concurrency import run_concurrently


def test_numbers_start_at_one_per_bureau_kind_and_year(tree):
    with transaction.atomic():
        assert next_number(bureau=tree.a, kind="notice", year=2026) == 1
        assert next_number(bureau=tree.a, kind="notice", year=2026) == 2
        assert next_number(bureau=tree.a, kind="notice", year=2027) == 1
        assert next_number(bureau=tree.a, kind="report", year=2026) == 1
        assert next_number(bureau=tree.b, kind="notice", year=2026) == 1
    assert peek_number(bureau=tree.a, kind="notice", year=2026) == 2


def test_a_rolled_back_number_is_issued_again(tree):
    with pytest.raises(RuntimeError), transaction.atomic():
        assert next_number(bureau=tree.a, kind="order", year=2026) == 1
        raise RuntimeError("render failed")
    with transaction.atomic():
        assert next_number(bureau=tree.a, kind="order", year=2026) == 1


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_is_refused(tree):
    with pytest.raises(RuntimeError):
        next_number(bureau=tree.a, kind="order", year=2026)


@pytest.mark.django_db(transaction=True)
def test_concurrent_callers_get_consecutive_numbers(tree):
    def take(_):
        with transaction.atomic():
            return next_number(bureau=tree.a, kind="notice", year=2026)

    results = run_concurrently(take, 8)
    assert sorted(results) == list(range(1, 9)), results
