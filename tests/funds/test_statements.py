"""Bank statement import: CSV and .xlsx, idempotent by the bank's reference, a corrupt file
writes nothing, another district's account refused with its line number, two imports at once."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from bureaus.context import acting, system_actor
from core.spreadsheets import workbook_bytes
from funds.models import LedgerEntry, StatementImport
from funds.services import accounts, fees, statements
from funds.tasks import statement_import_run
from tests.concurrency import run_concurrently
from tests.funds.conftest import ACCOUNT_NUMBER, act, make_institution, open_account

HEADER = ["账号", "交易日期", "交易流水号", "交易类型", "金额", "合同编号", "摘要"]
B_NUMBER = "6217000099998888"


def _csv(rows, name="statement.csv"):
    lines = [",".join(HEADER)] + [",".join(str(c) for c in row) for row in rows]
    return SimpleUploadedFile(name, ("\n".join(lines) + "\n").encode(), "text/csv")


def _xlsx(rows, name="statement.xlsx"):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(list(row))
    return SimpleUploadedFile(name, workbook_bytes(workbook))


def _rows():
    return [
        [ACCOUNT_NUMBER, "2026-03-02", "TX0001", "存入保证金", "10000.00", "", "保证金"],
        [ACCOUNT_NUMBER, "2026/3/2", "TX0002", "收费入账", "4800", "HT-9", ""],
        [ACCOUNT_NUMBER, "2026-03-02", "TX0003", "退费", "800.50", "", "退课"],
    ]


@pytest.fixture
def fee_record(account_a, officer_a):
    return fees.fee_record_create(
        actor=officer_a,
        institution=account_a.institution,
        student_name="孙小雨",
        course_name="围棋",
        contract_number="HT-9",
        amount_fen=480_000,
        collected_on=dt.date(2026, 3, 1),
        period_start=dt.date(2026, 3, 1),
        period_end=dt.date(2026, 5, 31),
        class_hours=48,
    )


@pytest.mark.django_db
@pytest.mark.parametrize("make_file", [_csv, _xlsx])
def test_import_books_lines_and_a_reimport_inserts_nothing(
    tree, account_a, officer_a, fee_record, make_file
):
    done = statements.statement_import(actor=officer_a, bureau=tree.a, upload=make_file(_rows()))
    assert (done.state, done.lines, done.inserted, done.duplicates) == ("done", 3, 3, 0)
    account_a.refresh_from_db()
    assert account_a.balance_fen == 1_000_000 + 480_000 - 80_050
    again = statements.statement_import(actor=officer_a, bureau=tree.a, upload=make_file(_rows()))
    assert (again.state, again.inserted, again.duplicates) == ("done", 0, 3)
    assert LedgerEntry.objects.count() == 3
    assert LedgerEntry.objects.get(bank_reference="TX0002").fee_record == fee_record


@pytest.mark.django_db
@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("statement.xlsx", b"PK\x03\x04 this is not really a workbook"),
        SimpleUploadedFile("statement.xlsx", b"%PDF-1.4 renamed"),
        SimpleUploadedFile("statement.csv", "账号,日期\n1,2\n".encode()),
        SimpleUploadedFile("statement.csv", b"\xff\xfe\x00\x81\x82garbage\x00\x00"),
    ],
    ids=["corrupt-xlsx", "pdf-named-xlsx", "wrong-headers", "binary-csv"],
)
def test_a_corrupt_file_writes_nothing(tree, account_a, officer_a, upload):
    result = statements.statement_import(actor=officer_a, bureau=tree.a, upload=upload)
    assert result.state == "refused" and result.errors[0]["line"] == 0
    assert result.errors[0]["message"]
    assert not LedgerEntry.objects.exists()


@pytest.mark.django_db
def test_another_districts_account_is_refused_with_its_line_and_nothing_is_written(
    tree, account_a, officer_a, fee_record
):
    with acting(system_actor("tests")):
        accounts.account_open(
            actor=None,
            institution=make_institution(tree.b, name="湖滨艺术"),
            bank="中国银行",
            account_number=B_NUMBER,
            agreed_on=dt.date(2026, 1, 1),
        )
    rows = [*_rows(), [B_NUMBER, "2026-03-02", "TX0004", "存入保证金", "100", "", ""]]
    rows.append([ACCOUNT_NUMBER, "2026-13-02", "TX0005", "转账", "-5", "", ""])
    result = statements.statement_import(actor=officer_a, bureau=tree.a, upload=_csv(rows))
    assert result.state == "refused"
    by_line = {}
    for error in result.errors:
        by_line.setdefault(error["line"], set()).add(error["column"])
    assert by_line == {5: {"账号"}, 6: {"交易日期", "交易类型", "金额"}}
    assert result.errors[0]["message"] == "不是本区的监管账户。"
    assert not LedgerEntry.objects.exists()
    assert StatementImport.objects.get(pk=result.pk).errors == result.errors


@pytest.mark.django_db
def test_a_line_the_ledger_refuses_fails_the_whole_file(tree, account_a, officer_a):
    rows = [
        [ACCOUNT_NUMBER, "2026-03-02", "TX0001", "存入保证金", "100", "", ""],
        [ACCOUNT_NUMBER, "2026-03-02", "TX0002", "退费", "500", "", ""],  # below zero
    ]
    result = statements.statement_import(actor=officer_a, bureau=tree.a, upload=_csv(rows))
    assert result.state == "refused"
    assert [(e["line"], e["column"]) for e in result.errors] == [(3, "金额")]
    assert not LedgerEntry.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_imports_of_one_file_at_once_book_it_once(tree):
    account = open_account(make_institution(tree.a))
    officer = tree.user("a", "officer")
    rows = [
        [ACCOUNT_NUMBER, "2026-03-02", f"TX{n:04d}", "存入保证金", "10", "", ""] for n in range(20)
    ]

    def run(_i):
        with acting(system_actor("tests")):
            result = statements.statement_import(
                actor=act(officer), bureau=tree.a, upload=_csv(rows)
            )
            return result.inserted, result.duplicates

    results = sorted(run_concurrently(run, 2))
    assert results == [(0, 20), (20, 0)], results
    account.refresh_from_db()
    assert account.balance_fen == 20_000
    assert LedgerEntry.objects.filter(account=account).count() == 20


@pytest.mark.django_db
def test_import_through_the_page_and_the_api(tree, account_a):
    from django.test import Client
    from rest_framework.test import APIClient

    officer = tree.user("a", "officer")
    client = Client()
    client.force_login(officer)
    rows = [[ACCOUNT_NUMBER, "2026-03-02", "TX0101", "存入保证金", "50", "", ""]]
    response = client.post("/funds/imports/", {"file": _csv(rows)})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "statement.csv" in page and 'data-state="queued"' in page
    job = StatementImport.objects.get()
    statement_import_run.apply(args=[job.pk]).get()
    page = client.get(response["Location"]).content.decode()
    assert 'data-state="done"' in page and 'data-testid="import-result"' in page
    bad = [[B_NUMBER, "2026-03-02", "TX0102", "存入保证金", "50", "", ""]]
    response = client.post("/funds/imports/", {"file": _csv(bad)})
    statement_import_run.apply(args=[StatementImport.objects.latest("id").pk]).get()
    assert 'data-testid="errors"' in client.get(response["Location"]).content.decode()
    api = APIClient()
    api.force_login(officer)
    # The API queues the job: 202 with the job's URL, then the job's state there.
    response = api.post("/api/v1/statement-imports/", {"file": _csv(rows)}, format="multipart")
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["state"] == "queued" and body["delivery"] == "queued"
    assert response["Location"] == body["url"] and body["url"].endswith(f"/{body['id']}/")
    statement_import_run.apply(args=[body["id"]]).get()
    done = api.get(body["url"]).json()
    assert (done["state"], done["delivery"], done["attempts"]) == ("done", "finished", 1)
    assert (done["inserted"], done["duplicates"]) == (0, 1)
    response = api.post("/api/v1/statement-imports/", {"file": _csv(bad)}, format="multipart")
    assert response.status_code == 202
    statement_import_run.apply(args=[response.json()["id"]]).get()
    refused = api.get(response.json()["url"]).json()
    assert refused["state"] == "refused" and refused["errors"][0]["line"] == 2
    # A file that does not read: 400 on the field, no job.
    before = StatementImport.objects.count()
    junk = SimpleUploadedFile("s.xlsx", b"PK\x03\x04 not really a workbook")
    response = api.post("/api/v1/statement-imports/", {"file": junk}, format="multipart")
    assert response.status_code == 400 and response.json()["file"]
    assert StatementImport.objects.count() == before
    # Another district's officer cannot see the job.
    other = APIClient()
    other.force_login(tree.user("b", "officer"))
    assert other.get(body["url"]).status_code == 404
    auditor = APIClient()
    auditor.force_login(tree.user("a", "auditor"))
    response = auditor.post("/api/v1/statement-imports/", {"file": _csv(rows)}, format="multipart")
    assert response.status_code == 403
    assert LedgerEntry.objects.count() == 1
