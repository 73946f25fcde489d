"""Statement files beyond the general upload cap (issue 14: 1,000,000 lines): a CSV up to the
statements' own cap imports through the page and the API (the upload spooled to a temporary
file, read as a stream), an .xlsx keeps the general cap; lines are checked and booked in
chunks inside the file's one transaction (a refused line in a late chunk writes nothing);
duplicates are found across chunks; a GBK file streams."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.test import APIClient

from bureaus.models import AuditEvent
from funds.models import LedgerEntry, StatementImport
from funds.services import statements
from funds.tasks import statement_import_run
from tests.funds.conftest import ACCOUNT_NUMBER

pytestmark = pytest.mark.django_db
HEADER = ["账号", "交易日期", "交易流水号", "交易类型", "金额", "合同编号", "摘要"]


def _csv(rows, name="statement.csv", encoding="utf-8"):
    lines = [",".join(HEADER)] + [",".join(str(c) for c in row) for row in rows]
    return SimpleUploadedFile(name, ("\n".join(lines) + "\n").encode(encoding), "text/csv")


def _deposits(n, start=0, amount="10.00"):
    return [
        [ACCOUNT_NUMBER, "2026-03-02", f"TX{i:06d}", "存入保证金", amount, "", "保证金存入"]
        for i in range(start, start + n)
    ]


@pytest.fixture
def small_caps(settings):
    # Stand-ins: the general 20 MB (kept by .xlsx) as 4 kB, the statements' 200 MB as 64 kB,
    # and uploads over 1 kB spooled to a temporary file (Django's TemporaryFileUploadHandler).
    settings.STATEMENT_XLSX_MAX_BYTES = 4 * 1024
    settings.STATEMENT_IMPORT_MAX_BYTES = 64 * 1024
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024
    return settings


def test_a_csv_over_the_general_cap_imports_through_the_page_and_the_api(
    tree, account_a, small_caps, monkeypatch
):
    monkeypatch.setattr(statements, "PROGRESS_EVERY", 97)  # several chunks
    upload = _csv(_deposits(400))
    assert small_caps.STATEMENT_XLSX_MAX_BYTES < upload.size < small_caps.STATEMENT_IMPORT_MAX_BYTES
    client = Client()
    client.force_login(tree.user("a", "officer"))
    response = client.post("/funds/imports/", {"file": upload})
    assert response.status_code == 302
    job = StatementImport.objects.get()
    result = statement_import_run.apply(args=[job.pk]).get()
    assert result == {"state": "done", "lines": 400, "inserted": 400, "duplicates": 0}
    account_a.refresh_from_db()
    assert account_a.balance_fen == 400 * 1_000
    balances = list(LedgerEntry.objects.order_by("id").values_list("balance_after_fen", flat=True))
    assert balances == [1_000 * (n + 1) for n in range(400)]  # running balance across chunks
    api = APIClient()
    api.force_login(tree.user("a", "officer"))
    response = api.post(
        "/api/v1/statement-imports/", {"file": _csv(_deposits(400, start=400))}, format="multipart"
    )
    assert response.status_code == 202, response.content
    statement_import_run.apply(args=[response.json()["id"]]).get()
    assert api.get(response.json()["url"]).json()["inserted"] == 400
    # Over the statements' cap: refused on the field, no job.
    big = _csv(_deposits(1200, start=800))
    assert big.size > small_caps.STATEMENT_IMPORT_MAX_BYTES
    response = api.post("/api/v1/statement-imports/", {"file": big}, format="multipart")
    assert response.status_code == 400 and "MB" in response.json()["file"][0]
    assert StatementImport.objects.count() == 2


def test_an_xlsx_keeps_the_general_cap(tree, account_a, officer_a, small_caps):
    from openpyxl import Workbook

    from core.spreadsheets import workbook_bytes

    workbook = Workbook()
    workbook.active.append(HEADER)
    for row in _deposits(400):
        workbook.active.append(row)
    upload = SimpleUploadedFile("statement.xlsx", workbook_bytes(workbook))
    assert upload.size > small_caps.STATEMENT_XLSX_MAX_BYTES
    result = statements.statement_import(actor=officer_a, bureau=tree.a, upload=upload)
    assert result.state == "refused" and "MB" in result.errors[0]["message"]
    assert not LedgerEntry.objects.exists()


def test_a_refused_line_in_a_late_chunk_writes_nothing(tree, account_a, officer_a, monkeypatch):
    monkeypatch.setattr(statements, "PROGRESS_EVERY", 5)
    before = AuditEvent.objects.count()
    # A line that does not parse, in the fourth chunk.
    rows = [*_deposits(17), [ACCOUNT_NUMBER, "2026-02-30", "TXBAD", "存入保证金", "1", "", ""]]
    result = statements.statement_import(actor=officer_a, bureau=tree.a, upload=_csv(rows))
    assert result.state == "refused" and [e["line"] for e in result.errors] == [19]
    # A line the ledger refuses (a withdrawal below zero), in the fourth chunk: the first three
    # chunks were booked inside the transaction, and are rolled back with it.
    rows = [*_deposits(17), [ACCOUNT_NUMBER, "2026-03-02", "TXOUT", "支取保证金", "900", "", ""]]
    result = statements.statement_import(actor=officer_a, bureau=tree.a, upload=_csv(rows))
    assert result.state == "refused"
    assert [(e["line"], e["column"]) for e in result.errors] == [(19, "金额")]
    assert not LedgerEntry.objects.exists()
    account_a.refresh_from_db()
    assert account_a.balance_fen == 0
    assert not AuditEvent.objects.filter(model="funds.ledgerentry").exists()
    assert AuditEvent.objects.count() - before == 2  # the two imports' own records


def test_duplicates_across_chunks_and_a_gbk_file(tree, account_a, officer_a, monkeypatch):
    monkeypatch.setattr(statements, "PROGRESS_EVERY", 2)
    rows = [*_deposits(3), _deposits(1)[0], *_deposits(2, start=3)]  # TX000000 twice
    result = statements.statement_import(
        actor=officer_a, bureau=tree.a, upload=_csv(rows, encoding="gb18030")
    )
    assert (result.state, result.inserted, result.duplicates) == ("done", 5, 1), result.errors
    assert set(LedgerEntry.objects.values_list("note", flat=True)) == {"保证金存入"}
    again = statements.statement_import(actor=officer_a, bureau=tree.a, upload=_csv(rows))
    assert (again.inserted, again.duplicates) == (0, 6)
