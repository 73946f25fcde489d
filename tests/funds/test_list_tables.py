"""The funds staff lists on core.tables (issue 9 item 3): sortable columns (only those the
table declares), page size, the district filter for superiors, masked values stay masked."""

import re

import pytest
from django.urls import reverse

from bureaus.context import acting, system_actor
from funds.models import FeeRecord, FundWarning, StatementImport
from tests.clients import statements
from tests.funds.conftest import ACCOUNT_NUMBER, make_institution, open_account
from tests.funds.records import fee_record

pytestmark = pytest.mark.django_db

WARNINGS = reverse("funds:warning-list")


def _warn(account, detail, *, level="red", status="open"):
    with acting(system_actor("tests")):
        return FundWarning.objects.create(
            account=account,
            kind=FundWarning.Kind.LARGE_OUTFLOW,
            level=level,
            key=f"large_outflow:{detail}",
            detail=detail,
            status=status,
        )


@pytest.fixture
def two_districts(tree):
    account_a = open_account(make_institution(tree.a, "甲区机构"))
    account_b = open_account(make_institution(tree.b, "乙区机构"))
    return account_a, account_b


@pytest.fixture
def fund_warnings(two_districts):
    account_a, account_b = two_districts
    return [
        _warn(account_a, "甲一"),
        _warn(account_a, "甲二", level="yellow", status="acknowledged"),
        _warn(account_a, "甲三", status="resolved"),
        _warn(account_b, "乙一"),
    ]


def _details(response):
    assert response.status_code == 200
    return re.findall(r"<td>((?:甲|乙)[一二三])</td>", response.content.decode())


def test_warnings_sort_filter_and_page_size(client, tree, fund_warnings):
    client.force_login(tree.user("a", "officer"))
    body = client.get(WARNINGS).content.decode()
    assert "table-stack" in body and "sort-link" in body and 'data-testid="saved-filters"' in body
    assert 'id="id_district"' not in body  # a district user has no district filter
    # Unresolved only by default, newest first.
    assert _details(client.get(WARNINGS)) == ["甲二", "甲一"]
    assert _details(client.get(WARNINGS, {"sort": "raised"})) == ["甲一", "甲二"]
    assert _details(client.get(WARNINGS, {"sort": "status"})) == ["甲二", "甲一"]  # ack < open
    assert _details(client.get(WARNINGS, {"sort": "-status"})) == ["甲一", "甲二"]
    for sort in ("detail", "institution", "nonsense", "id;drop"):  # refused: the default order
        assert _details(client.get(WARNINGS, {"sort": sort})) == ["甲二", "甲一"]
    assert _details(client.get(WARNINGS, {"all": "1", "sort": "raised"})) == [
        "甲一",
        "甲二",
        "甲三",
    ]
    assert _details(client.get(WARNINGS, {"status": "resolved"})) == ["甲三"]
    assert _details(client.get(WARNINGS, {"level": "yellow", "per_page": "25"})) == ["甲二"]
    response = client.get(WARNINGS, {"per_page": "25"})
    assert response.context["paginator"].per_page == 25
    assert client.get(WARNINGS, {"per_page": "7"}).context["paginator"].per_page == 25  # kept


def test_warnings_district_filter_for_the_city(client, tree, fund_warnings):
    client.force_login(tree.user("city", "supervisor"))
    assert set(_details(client.get(WARNINGS))) == {"甲一", "甲二", "乙一"}
    assert _details(client.get(WARNINGS, {"district": tree.b.pk})) == ["乙一"]
    body = client.get(WARNINGS, {"group": "district"}).content.decode()
    assert body.count('scope="rowgroup"') == 2
    assert ACCOUNT_NUMBER not in body


ACCOUNTS = reverse("funds:account-list")


def _institutions(response):
    assert response.status_code == 200
    body = response.content.decode()
    return re.findall(r"account-detail[^>]*>([^<]*机构[^<]*)</a>", body) or re.findall(
        r">((?:甲|乙)区机构\d?)</a>", body
    )


@pytest.fixture
def accounts(tree, two_districts):
    account_a, account_b = two_districts
    richer = open_account(make_institution(tree.a, "甲区机构2"))
    with acting(system_actor("tests")):
        type(richer).objects.filter(pk=richer.pk).update(balance_fen=900_000)
        type(richer).objects.filter(pk=account_a.pk).update(balance_fen=100)
    return account_a, richer, account_b


def test_accounts_sort_page_size_and_masking(client, tree, accounts):
    client.force_login(tree.user("a", "officer"))
    body = client.get(ACCOUNTS).content.decode()
    assert 'data-testid="coverage"' in body and "table-stack" in body and "sort-link" in body
    assert ACCOUNT_NUMBER not in body and accounts[0].masked_account_number in body
    assert _institutions(client.get(ACCOUNTS)) == ["甲区机构", "甲区机构2"]
    assert _institutions(client.get(ACCOUNTS, {"sort": "-balance"})) == ["甲区机构2", "甲区机构"]
    assert _institutions(client.get(ACCOUNTS, {"sort": "balance"})) == ["甲区机构", "甲区机构2"]
    for sort in ("account_number", "-institution", "bank"):  # refused: the default order
        assert _institutions(client.get(ACCOUNTS, {"sort": sort})) == ["甲区机构", "甲区机构2"]
    assert client.get(ACCOUNTS, {"per_page": "100"}).context["paginator"].per_page == 100


def test_accounts_district_filter_for_the_city(client, tree, accounts):
    client.force_login(tree.user("city", "supervisor"))
    assert set(_institutions(client.get(ACCOUNTS))) == {"甲区机构", "甲区机构2", "乙区机构"}
    body = client.get(ACCOUNTS, {"district": tree.b.pk}).content.decode()
    assert _institutions(client.get(ACCOUNTS, {"district": tree.b.pk})) == ["乙区机构"]
    assert ACCOUNT_NUMBER not in body
    assert 'data-testid="coverage"' in body  # the coverage table stays above the list


FEES = reverse("funds:feerecord-list")


def _fee(institution, contract, **extra):
    with acting(system_actor("tests")):
        return fee_record(institution, contract, **extra)


@pytest.fixture
def fees(tree, two_districts):
    account_a, account_b = two_districts
    second = make_institution(tree.a, "甲区二号机构")
    made = [
        _fee(account_a.institution, "HT-A1"),
        _fee(second, "HT-A2"),
        _fee(account_a.institution, "HT-A3"),
        _fee(account_b.institution, "HT-B1"),
    ]
    with acting(system_actor("tests")):
        FeeRecord.objects.filter(pk=made[1].pk).update(violates_cap=True, violation="超过收费上限")
    return made


def _contracts(response):
    assert response.status_code == 200
    return re.findall(r">(HT-[AB]\d)</a>", response.content.decode())


def test_fee_records_sort_filter_and_masking(client, tree, fees):
    client.force_login(tree.user("a", "officer"))
    body = client.get(FEES).content.decode()
    assert "table-stack" in body and "sort-link" in body and 'data-testid="violations"' in body
    assert "赵一鸣" not in body and fees[0].masked_student_name in body
    newest_first = _contracts(client.get(FEES))
    assert newest_first == ["HT-A3", "HT-A2", "HT-A1"]
    by_institution = _contracts(client.get(FEES, {"sort": "institution"}))
    assert by_institution == ["HT-A1", "HT-A3", "HT-A2"]
    for sort in ("student", "amount", "nonsense"):  # refused: the default order
        assert _contracts(client.get(FEES, {"sort": sort})) == newest_first
    assert _contracts(client.get(FEES, {"violations": "1", "per_page": "25"})) == ["HT-A2"]
    assert client.get(FEES).context["paginator"].per_page == 25  # the size kept in the session
    export = client.get(reverse("funds:feerecord-export"), {"violations": "1"})
    text = export.content.decode("utf-8-sig")
    assert export.status_code == 200 and "HT-A2" in text and "HT-A1" not in text
    assert "赵一鸣" not in text


def test_fee_records_district_filter_for_the_city(client, tree, fees):
    client.force_login(tree.user("city", "supervisor"))
    assert set(_contracts(client.get(FEES))) == {"HT-A1", "HT-A2", "HT-A3", "HT-B1"}
    response = client.get(FEES, {"district": tree.b.pk})
    assert _contracts(response) == ["HT-B1"]
    assert "赵一鸣" not in response.content.decode()


IMPORTS = reverse("funds:statementimport-list")


@pytest.fixture
def imports(tree):
    with acting(system_actor("tests")):
        return [
            StatementImport.objects.create(
                bureau=bureau, original_name=name, state=StatementImport.State.DONE, lines=1
            )
            for bureau, name in (
                (tree.a, "甲回单1.csv"),
                (tree.a, "甲回单2.csv"),
                (tree.b, "乙回单.csv"),
            )
        ]


def _files(response):
    assert response.status_code == 200
    return re.findall(r">((?:甲|乙)回单\d?\.csv)</a>", response.content.decode())


def test_imports_sort_page_size_and_district_filter(client, tree, imports):
    client.force_login(tree.user("a", "officer"))
    body = client.get(IMPORTS).content.decode()
    assert "table-stack" in body and "sort-link" in body and 'name="file"' in body
    assert _files(client.get(IMPORTS)) == ["甲回单2.csv", "甲回单1.csv"]
    assert _files(client.get(IMPORTS, {"sort": "imported_at"})) == ["甲回单1.csv", "甲回单2.csv"]
    assert _files(client.get(IMPORTS, {"sort": "lines"})) == ["甲回单2.csv", "甲回单1.csv"]
    assert client.get(IMPORTS, {"per_page": "25"}).context["paginator"].per_page == 25
    client.force_login(tree.user("city", "supervisor"))
    assert len(_files(client.get(IMPORTS))) == 3
    assert _files(client.get(IMPORTS, {"district": tree.b.pk})) == ["乙回单.csv"]


def test_sorting_and_page_size_add_no_query_per_row(client, tree, fund_warnings, two_districts):
    client.force_login(tree.user("city", "supervisor"))
    # Memberships kept in Redis after the first request (bureaus.acting): count warm ones.
    client.get(WARNINGS)

    def count(**params):
        return len(statements(client, WARNINGS, params))

    few = count(sort="-status", group="district")
    few_paged = count(sort="raised", per_page="100")
    for n in range(10):
        _warn(two_districts[n % 2], f"补充{n}")
    assert count(sort="-status", group="district") == few
    assert count(sort="raised", per_page="100") == few_paged
