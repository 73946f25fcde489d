"""Fixtures for escrow: an institution and an open account in each district."""

import datetime as dt

import pytest

from bureaus.context import acting, system_actor
from funds.services import accounts
from institutions.models import Institution

ACCOUNT_NUMBER = "6222020200112233445"


def act(user):
    """A user as the services see them after a request: with the acting membership set."""
    user.membership = user.memberships.select_related("bureau").get()
    return user


def make_institution(bureau, name="启明星学科辅导中心", **extra):
    with acting(system_actor("tests")):
        return Institution.objects.create(bureau=bureau, name=name, category="academic", **extra)


def open_account(institution, **settings):
    with acting(system_actor("tests")):
        return accounts.account_open(
            actor=None,
            institution=institution,
            bank="中国工商银行西湖支行",
            account_number=ACCOUNT_NUMBER,
            agreed_on=dt.date(2026, 1, 5),
            **settings,
        )


@pytest.fixture
def institution_a(tree):
    return make_institution(tree.a)


@pytest.fixture
def account_a(institution_a):
    return open_account(institution_a, minimum_fixed_fen=100_000, yellow_threshold_fen=300_000)


@pytest.fixture
def officer_a(tree):
    return act(tree.user("a", "officer"))
