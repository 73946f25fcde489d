"""Soak: background jobs under a worker killed at random moments (issue 17 item 2).

Bounded and loopback only. A Redis of its own with an append-only file (as production runs it,
docs/deploy.md), restarted once midway; a real Celery worker consuming both queues, SIGKILLed
KILLS times at random moments and started again; jobs of every kind queued before and between
kills: survey imports (long queue), official documents (long queue) and the periodic sweeps
(quick queue: overdue tip-offs and orders, expiring licences, rectification notices, escrow
timers). Then one clean worker drains the queues, and the effects are counted:

- jobs finished and jobs lost (an import or document job not done);
- effects doubled: institutions created twice (by credit code) or more than the files hold;
  documents per job and their numbers (gap-free, unique); notifications per key; the audit
  events of the imported institutions (one creation event each).

Run: `scripts/bench.sh bench/soak.py` (or `make bench`); SOAK_KILLS=10 for a short run.
"""

import contextlib
import datetime as dt
import io
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

KILLS = int(os.environ.get("SOAK_KILLS", "100"))
IMPORTS = int(os.environ.get("SOAK_IMPORTS", "30"))
ROWS_PER_IMPORT = 200
DOCUMENTS = int(os.environ.get("SOAK_DOCUMENTS", "40"))
VISIBILITY_TIMEOUT = 4  # seconds before an unacknowledged task is delivered again
MEDIA = tempfile.mkdtemp(prefix="jianguan-soak-media-")
REDIS_DIR = tempfile.mkdtemp(prefix="jianguan-soak-redis-")


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


REDIS_PORT = free_port()
REDIS_URL = f"redis://127.0.0.1:{REDIS_PORT}/0"
os.environ["REDIS_URL"] = REDIS_URL
os.environ["DJANGO_MEDIA_ROOT"] = MEDIA
os.environ["JIANGUAN_CELERY_VISIBILITY_TIMEOUT"] = str(VISIBILITY_TIMEOUT)


def redis_start() -> subprocess.Popen:
    """A Redis that keeps its data across a restart (append-only file, fsync every write)."""
    process = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(REDIS_PORT),
            "--bind",
            "127.0.0.1",
            "--dir",
            REDIS_DIR,
            "--appendonly",
            "yes",
            "--appendfsync",
            "always",
            "--save",
            "",
            "--logfile",
            "",
        ],
        stdout=subprocess.DEVNULL,
    )
    for _ in range(100):
        ping = subprocess.run(["redis-cli", "-p", str(REDIS_PORT), "ping"], capture_output=True)
        if ping.stdout.strip() == b"PONG":
            return process
        time.sleep(0.05)
    raise RuntimeError("redis did not start")


redis = redis_start()

from _setup import ROOT, bench_district, django_setup  # noqa: E402

django_setup()

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.utils import timezone  # noqa: E402

from bureaus.context import acting, system_actor  # noqa: E402
from bureaus.models import AuditEvent, Bureau  # noqa: E402
from complaints.tasks import complaints_mark_overdue  # noqa: E402
from core.models import Notification  # noqa: E402
from documents import services as documents  # noqa: E402
from documents.models import DocumentJob, IssuedDocument  # noqa: E402
from funds.tasks import funds_periodic  # noqa: E402
from inspections.tasks import notices_chase  # noqa: E402
from institutions.credit_code import make_code  # noqa: E402
from institutions.importing.columns import COLUMNS  # noqa: E402
from institutions.importing.jobs import import_job_create  # noqa: E402
from institutions.models import ImportJob, Institution  # noqa: E402
from institutions.tasks import credentials_flag_expiry  # noqa: E402

SWEEPS = [complaints_mark_overdue, credentials_flag_expiry, notices_chase, funds_periodic]
RUN = f"{time.time_ns() % 10**8:08d}"


LOG = Path(tempfile.mkdtemp(prefix="jianguan-soak-log-"), "worker.log")


def worker() -> subprocess.Popen:
    """A worker on both queues; returns once it is ready to take tasks (so each kill lands
    while it works, not while it starts)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", "celery,long"]
    command += ["--concurrency=2", "--loglevel=INFO", "--without-mingle", "--without-gossip"]
    command += ["-n", f"soak-{time.monotonic_ns()}@%h"]
    with LOG.open("w") as log:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, start_new_session=True, stdout=log, stderr=log
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and " ready." not in LOG.read_text():
        time.sleep(0.1)
    return process


def kill(process: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def district() -> Bureau:
    code = f"97{RUN[-4:]}"
    return bench_district(
        code,
        f"浸泡区{code}",
        province=("97", "浸泡测试省"),
        city=("9701", "浸泡测试市"),
        streets=("北山街道",),
        actor="soak",
    )


def survey(n: int) -> bytes:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet()
    headers = [h for _k, h, _r in COLUMNS]
    ws.append(headers)
    for i in range(ROWS_PER_IMPORT):
        serial = n * ROWS_PER_IMPORT + i
        values = {
            "机构名称": f"浸泡{RUN}第{serial}培训学校",
            "统一社会信用代码": make_code(
                division="330100", organization_body=f"M{RUN[-2:]}{serial:05d}"
            ),
            "类别": "文化艺术",
            "组织形式": "公司",
            "营利性质": "营利",
            "培训方式": "线下",
            "培训对象": "义务教育",
            "状态": "筹设",
            "所在街道": "北山街道",
            "地址": f"文三路{serial}号",
        }
        ws.append([values.get(h, "") for h in headers])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def enqueue(bureau, rng, batch: int) -> None:
    """A share of the jobs: imports and documents (long queue) and sweeps (quick queue)."""
    with acting(system_actor("soak")):
        for n in range(batch * IMPORTS // 4, (batch + 1) * IMPORTS // 4):
            import_job_create(
                actor=None,
                bureau=bureau,
                upload=SimpleUploadedFile(f"摸排{n}.xlsx", survey(n)),
            )
        for n in range(batch * DOCUMENTS // 4, (batch + 1) * DOCUMENTS // 4):
            documents.document_request(
                actor=None,
                bureau=bureau,
                kind=IssuedDocument.Kind.NOTICE,
                title=f"浸泡测试通知{n}",
                template="documents/pdf/notice.html",
                context={"paragraphs": [f"第{n}号浸泡测试文件。"]},
                idempotency_key=f"soak:{RUN}:{n}",
            )
    for task in SWEEPS:
        for _ in range(3):
            task.delay()


def main() -> None:
    rng = random.Random(int(RUN))
    bureau = district()
    started = time.monotonic()
    enqueue(bureau, rng, 0)
    process = worker()
    redis_restarted_at = KILLS // 2
    interrupted = 0
    for k in range(KILLS):
        time.sleep(rng.uniform(0.2, 4.0))
        # Work in progress: an import that ticked in the last two seconds (a job left
        # "running" by an earlier kill, waiting for its redelivery, is not counted).
        busy = ImportJob.objects.filter(
            bureau=bureau,
            state__in=["running", "writing"],
            progress_at__gte=timezone.now() - dt.timedelta(seconds=2),
        ).exists()
        kill(process)
        interrupted += busy
        if k in (KILLS // 4, KILLS // 2, 3 * KILLS // 4):
            enqueue(bureau, rng, [KILLS // 4, KILLS // 2, 3 * KILLS // 4].index(k) + 1)
        if k == redis_restarted_at:
            redis.send_signal(signal.SIGKILL)
            redis.wait()
            globals()["redis"] = redis_start()
        process = worker()
        if (k + 1) % 10 == 0:
            done = ImportJob.objects.filter(bureau=bureau, state="done").count()
            issued = DocumentJob.objects.filter(bureau=bureau, status="done").count()
            print(
                f"  {k + 1} kills, {time.monotonic() - started:.0f} s: "
                f"{done} imports and {issued} documents done",
                flush=True,
            )
    # The last worker drains the queues undisturbed.
    deadline = time.monotonic() + 600
    imports = ImportJob.objects.filter(bureau=bureau)
    jobs = DocumentJob.objects.filter(bureau=bureau)
    while time.monotonic() < deadline:
        if not imports.exclude(state="done").exists() and not jobs.exclude(status="done").exists():
            break
        time.sleep(1)
    time.sleep(VISIBILITY_TIMEOUT + 2)  # let any late redelivery run (it must change nothing)
    kill(process)
    report(bureau, started, interrupted)


def report(bureau, started, interrupted) -> None:
    imports = ImportJob.objects.filter(bureau=bureau)
    jobs = DocumentJob.objects.filter(bureau=bureau)
    institutions = Institution.objects.filter(bureau=bureau)
    expected_rows = IMPORTS * ROWS_PER_IMPORT
    duplicate_codes = (
        institutions.values("credit_code").annotate(n=Count("id")).filter(n__gt=1).count()
    )
    created_events = AuditEvent.objects.filter(
        model="institutions.institution", action="create", bureau=bureau
    ).count()
    issued = IssuedDocument.objects.filter(bureau=bureau, idempotency_key__startswith="soak:")
    serials = sorted(issued.values_list("serial", flat=True))
    doubled_notifications = (
        Notification.objects.values("user", "key").annotate(n=Count("id")).filter(n__gt=1).count()
    )
    attempts = sorted(imports.values_list("attempts", flat=True))
    figures = {
        "worker kills (SIGKILL)": KILLS,
        "kills while an import was in progress": interrupted,
        "Redis restarts": 1,
        "import jobs finished / queued": f"{imports.filter(state='done').count()} / {IMPORTS}",
        "document jobs finished / queued": f"{jobs.filter(status='done').count()} / {DOCUMENTS}",
        "jobs lost": (IMPORTS - imports.filter(state="done").count())
        + (DOCUMENTS - jobs.filter(status="done").count()),
        "institutions written / rows in the files": f"{institutions.count()} / {expected_rows}",
        "institutions written twice (same credit code)": duplicate_codes,
        "creation audit events / institutions": f"{created_events} / {institutions.count()}",
        "documents issued / jobs": f"{issued.count()} / {DOCUMENTS}",
        "document numbers gap-free and unique": serials == list(range(1, len(serials) + 1)),
        "notifications doubled (same user and key)": doubled_notifications,
        "import deliveries (attempts) max": attempts[-1] if attempts else 0,
        "imports delivered more than once": sum(1 for a in attempts if a > 1),
        "wall time (s)": round(time.monotonic() - started),
    }
    print()
    print("| soak | figure |")
    print("|---|---|")
    for name, value in figures.items():
        print(f"| {name} | {value} |")
    out = Path(ROOT, "bench", "out")
    out.mkdir(exist_ok=True)
    (out / "soak.md").write_text(
        "| soak | figure |\n|---|---|\n" + "".join(f"| {k} | {v} |\n" for k, v in figures.items())
    )


if __name__ == "__main__":
    try:
        main()
    finally:
        redis.send_signal(signal.SIGTERM)
        redis.wait()
        shutil.rmtree(REDIS_DIR, ignore_errors=True)
        shutil.rmtree(MEDIA, ignore_errors=True)
