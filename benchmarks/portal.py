"""The vendor portal under load: vendors answering at once through `audit serve`, on loopback.

A workspace with as many vendors as the run asks for (copies of the eight sample vendors, so
their questionnaires are the real ones, 23 to 136 questions) issues each a questionnaire with a
portal link. `audit serve` then runs as its own process on that workspace's database, with one
worker process or several, and every vendor is a thread with its own HTTP client and cookies: it
opens its link, loads the overview page for its CSRF token, waits for the others, then saves its
answers one request at a time as the page's HTMX does (a closed loop: the next save leaves when
the last one answered, with no time to think in between) and uploads its documents among them.

Each vendor answers every question of its questionnaire once, in order, then changes earlier
answers until it has made its number of saves, so that for some questions the value that must
be kept is the second (or later) one sent; some saves carry a comment. Documents are distinct
random bytes behind a PDF-like header (200 KB to 2 MB), of a kind the questionnaire asks for,
with the dates that kind needs and the questions it supports, so none is deduplicated.

Measured: the latency of every save and every upload as the client sees it (request sent to
response read), saves per second over the whole run, the CPU the server processes and this
harness used during it (from /proc, Linux only), and afterwards the draft answers and files in
the database, compared with the last value (and comment) each vendor sent for each question.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import re
import resource
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from benchmarks.portfolio import _vendors

if TYPE_CHECKING:
    import httpx2 as httpx  # the dev extras' HTTP client (Starlette's test client uses it too)

    from audit.questionnaire.document import Question, Questionnaire

DATABASE_ENV = "AUDIT_DATABASE_URL"
SAVE_P95_MS = 150.0  # the issue's target, stated for PostgreSQL
REGIMES = ("dora", "gdpr", "pci_dss")
CSRF = re.compile(r'name="csrf" value="([^"]+)"')
LINK = re.compile(r"/q/([A-Za-z0-9_-]+)")
START_TIMEOUT_S = 60.0
REQUEST_TIMEOUT_S = 120.0


@dataclass(frozen=True, slots=True)
class Load:
    """How many vendors answer at once, what each does, and the server's worker counts."""

    vendors: int = 50
    saves: int = 150
    files: int = 5
    workers: tuple[int, ...] = (1, 4)
    seed: int = 20261123
    # Pauses between one vendor's requests, in ms: 0 is the closed loop (the next request
    # leaves as the last one is answered); 1,000 is still faster than anyone answers.
    think_ms: tuple[int, ...] = (0, 1000)


@dataclass(frozen=True, slots=True)
class Save:
    """One answer saved: the form fields beside the CSRF token, and what must then be stored."""

    control_id: str
    fields: tuple[tuple[str, str], ...]
    value: Any
    comment: str | None


@dataclass(frozen=True, slots=True)
class Upload:
    """One document uploaded: its form fields beside the CSRF token, and its size in bytes."""

    name: str
    fields: tuple[tuple[str, str], ...]
    size: int
    seed: int


@dataclass(frozen=True, slots=True)
class Plan:
    """What one vendor does in the portal, in order."""

    vendor_id: str
    questionnaire_id: str
    token: str
    steps: tuple[Save | Upload, ...]

    def expected(self) -> dict[str, tuple[Any, str | None]]:
        """Control id -> (value, comment) the draft must hold once every step is done."""
        last: dict[str, tuple[Any, str | None]] = {}
        for step in self.steps:
            if isinstance(step, Save):
                last[step.control_id] = (step.value, step.comment)
        return last

    @property
    def uploads(self) -> int:
        return sum(1 for s in self.steps if isinstance(s, Upload))


@dataclass(slots=True)
class Outcome:
    """What one vendor's session saw."""

    save_ms: list[float] = field(default_factory=list)
    upload_ms: list[float] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # 200, but "Not saved: ..."
    failed: list[str] = field(default_factory=list)  # any other answer, or none
    known: int = 0  # uploads the portal took for bytes it had already


# -- the vendors' answers and documents -------------------------------------------------------


def _written(question: Question, turn: int) -> tuple[list[str], Any]:
    """What a vendor writes for a question on its `turn`-th save of it (0: the first), and the
    value the portal stores for it. Each turn gives a different value where there is one."""
    from audit.model import AnswerType

    kind = question.answer.type
    if kind in (AnswerType.CHOICE, AnswerType.YES_NO, AnswerType.MULTI_CHOICE):
        codes = [str(o.value) for o in question.choices if not o.not_applicable]
        codes = codes or [str(o.value) for o in question.choices]
        first = codes[turn % len(codes)]
        if kind is not AnswerType.MULTI_CHOICE:
            return [first], first
        chosen = [first] + ([codes[(turn + 1) % len(codes)]] if turn % 2 and len(codes) > 1 else [])
        return chosen, chosen
    if kind is AnswerType.NUMBER:
        number = 24 + 12 * turn
        return [str(number)], number
    if kind is AnswerType.PERCENT:
        percent = 97.5 - 2.5 * turn
        return [f"{percent:.1f}"], percent
    if kind is AnswerType.DATE:
        day = (dt.date(2026, 3, 31) - dt.timedelta(days=30 * turn)).isoformat()
        return [day], day
    sentence = f"Described in our operating procedures, section {4 + turn}."
    return [sentence], sentence


def _save(question: Question, turn: int, comment: str | None) -> Save:
    sent, stored = _written(question, turn)
    cid = question.id
    fields = [(f"m.{cid}", "1"), *((f"a.{cid}", v) for v in sent)]
    if comment is not None:
        fields.append((f"c.{cid}", comment))
    return Save(cid, tuple(fields), stored, comment)


def _document_dates(needed: Sequence[str], today: dt.date) -> dict[str, str]:
    """The dates a kind of document needs (and its issue date, which any kind takes)."""
    days = {
        "issued": today - dt.timedelta(days=30),
        "expires": today + dt.timedelta(days=335),
        "period_start": today - dt.timedelta(days=395),
        "period_end": today - dt.timedelta(days=30),
        "audited": today - dt.timedelta(days=60),
    }
    return {k: days[k].isoformat() for k in ("issued", *needed) if k in days}


def _upload(
    questionnaire: Questionnaire, number: int, seed: int, rng: random.Random, today: dt.date
) -> Upload:
    """The `number`-th document of a vendor: a kind its questionnaire asks for, in turn."""
    asking: dict[str, list[str]] = {}
    for q in questionnaire.questions:
        for ask in q.evidence:
            for kind_id in ask.kinds:
                asking.setdefault(kind_id, []).append(q.id)
    kinds = [k for k in questionnaire.kinds if k.id in asking] or list(questionnaire.kinds)
    kind = kinds[number % len(kinds)]
    fields = [("kind", kind.id), *_document_dates(kind.dates, today).items()]
    fields += [("controls", cid) for cid in asking.get(kind.id, [])[:3]]
    return Upload(
        f"{kind.id}-{number + 1}.pdf", tuple(fields), rng.randint(200_000, 2_000_000), seed
    )


def plan(vendor_id: str, questionnaire: Questionnaire, token: str, load: Load, index: int) -> Plan:
    """A vendor's session: every question answered once, then earlier answers changed, until
    `load.saves` saves are made; a comment on every seventh save; documents spread evenly."""
    questions = questionnaire.questions
    rng = random.Random(load.seed + index)
    today = dt.date.today()
    saves = []
    for n in range(load.saves):
        question = questions[n % len(questions)]
        comment = f"Save {n + 1} of {vendor_id}." if n % 7 == 6 else None
        saves.append(_save(question, n // len(questions), comment))
    spread = sorted(round((j + 1) * load.saves / (load.files + 1)) for j in range(load.files))
    steps: list[Save | Upload] = []
    uploaded = 0
    for n, save in enumerate([*saves, None]):
        while uploaded < load.files and (save is None or spread[uploaded] <= n):
            seed = load.seed * 1_000_000 + index * 1_000 + uploaded
            steps.append(_upload(questionnaire, uploaded, seed, rng, today))
            uploaded += 1
        if save is not None:
            steps.append(save)
    return Plan(vendor_id, questionnaire.id, token, tuple(steps))


def _payload(upload: Upload, vendor_id: str) -> bytes:
    header = f"%PDF-1.7\n% portal benchmark: {vendor_id}, {upload.name}\n".encode()
    return header + random.Random(upload.seed).randbytes(upload.size - len(header))


# -- the workspace ---------------------------------------------------------------------------


@contextmanager
def _database(url: str | None) -> Iterator[dict[str, str]]:
    """AUDIT_DATABASE_URL set to `url` (unset: the workspace's SQLite file) in this process
    while the block runs; yields the environment for the server process."""
    before = os.environ.get(DATABASE_ENV)
    if url:
        os.environ[DATABASE_ENV] = url
    else:
        os.environ.pop(DATABASE_ENV, None)
    try:
        yield dict(os.environ)
    finally:
        if before is None:
            os.environ.pop(DATABASE_ENV, None)
        else:
            os.environ[DATABASE_ENV] = before


def _audit(*args: str) -> None:
    command = [sys.executable, "-m", "audit", *args]
    done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise RuntimeError(f"`audit {' '.join(args[:4])}` failed: {done.stderr[-2000:]}")


def prepare(workspace: Path, load: Load) -> list[Plan]:
    """A workspace with `load.vendors` vendors, each issued a questionnaire with a portal link
    due in 30 days, on the database AUDIT_DATABASE_URL names; each vendor's plan."""
    from audit.services import issue_questionnaire
    from audit.services.database import forget_engines
    from audit.workspace import open_workspace

    regimes = [arg for regime in REGIMES for arg in ("--regime", regime)]
    _audit("init", str(workspace), *regimes, "--country", "DE")
    config = workspace / "audit.toml"
    config.write_text(config.read_text().replace('format = "xlsx"', 'format = "yaml"'))
    vendors = _vendors(load.vendors)
    register = workspace.parent / f"{workspace.name}-vendors.yaml"
    register.write_text(
        yaml.safe_dump(
            {"vendors": [{k: v for k, v in vendor.items() if k != "sample"} for vendor in vendors]},
            sort_keys=False,
        )
    )
    _audit("--workspace", str(workspace), "vendors", "import", str(register))
    opened = open_workspace(workspace)
    due = dt.date.today() + dt.timedelta(days=30)
    plans = []
    try:
        for index, vendor in enumerate(vendors):
            issued = issue_questionnaire(opened, vendor["id"], due=due, link=True)
            assert issued.link is not None
            found = LINK.search(issued.link.url)
            assert found is not None, issued.link.url
            plans.append(plan(vendor["id"], issued.questionnaire, found.group(1), load, index))
    finally:
        forget_engines()
    return plans


def stored(workspace: Path, plans: Sequence[Plan]) -> dict[str, Any]:
    """The draft answers and files in the database, against what the vendors sent."""
    from sqlmodel import col, select

    from audit.services.database import forget_engines, reading
    from audit.store.tables import PortalAnswerRow, PortalFileRow
    from audit.workspace import open_workspace

    ids = [p.questionnaire_id for p in plans]
    try:
        with reading(open_workspace(workspace)) as session:
            answers = session.exec(
                select(PortalAnswerRow).where(col(PortalAnswerRow.questionnaire_id).in_(ids))
            ).all()
            files = session.exec(
                select(PortalFileRow).where(col(PortalFileRow.questionnaire_id).in_(ids))
            ).all()
            held = {(a.questionnaire_id, a.control_id): (a.value, a.comment) for a in answers}
    finally:
        forget_engines()
    expected = {
        (p.questionnaire_id, cid): sent for p in plans for cid, sent in p.expected().items()
    }
    lost = [key for key, (value, _) in expected.items() if key not in held or held[key][0] != value]
    comments = [k for k, (_, comment) in expected.items() if k in held and held[k][1] != comment]
    return {
        "answers_expected": len(expected),
        "answers_stored": len(held),
        "answers_lost": len(lost),
        "answers_unexpected": len(set(held) - set(expected)),
        "comments_wrong": len(comments),
        "lost_examples": [f"{q} {c}" for q, c in lost[:5]],
        "files_expected": sum(p.uploads for p in plans),
        "files_stored": len(files),
    }


# -- the server ------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serving(
    workspace: Path, env: dict[str, str], workers: int, log: Path
) -> Iterator[tuple[str, int]]:
    """`audit serve` on a free loopback port as its own process (its output in `log`), once it
    answers; yields its address and process id. Stopped after: terminated, killed if it hangs."""
    import httpx2 as httpx  # the dev extras' HTTP client (Starlette's test client uses it too)

    port = _free_port()
    command = [
        *(sys.executable, "-m", "audit", "--workspace", str(workspace), "serve"),
        *("--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)),
    ]
    with log.open("wb") as out:
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            command,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its workers in a group of their own, to kill if it hangs
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            if process.poll() is not None or time.monotonic() > deadline:
                tail = log.read_text(errors="replace")[-2000:]
                raise RuntimeError(f"`audit serve` did not start on {base}: {tail}")
            try:
                if httpx.get(f"{base}/static/htmx.min.js", trust_env=False).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        yield base, process.pid
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _cpu_seconds(pid: int) -> float | None:
    """CPU (user + system) used so far by a process and its descendants, from /proc; None
    where there is no /proc."""
    ticks = os.sysconf("SC_CLK_TCK")
    stats: dict[int, tuple[int, float]] = {}  # pid -> (parent, cpu seconds)
    try:
        entries = [e for e in os.listdir("/proc") if e.isdigit()]
    except OSError:
        return None
    for entry in entries:
        try:
            text = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue  # gone meanwhile
        rest = text[text.rindex(")") + 2 :].split()
        stats[int(entry)] = (int(rest[1]), (int(rest[11]) + int(rest[12])) / ticks)
    if pid not in stats:
        return None
    total, family = 0.0, {pid}
    for _ in range(4):  # the server, its workers, and what they start
        family |= {p for p, (parent, _) in stats.items() if parent in family}
    for member in family:
        total += stats[member][1]
    return total


def _own_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


# -- the vendors -----------------------------------------------------------------------------


def _session(base: str, p: Plan, start: threading.Barrier, outcome: Outcome, think_ms: int) -> None:
    """One vendor: opens its link, then, once every vendor has, makes its saves and uploads,
    pausing `think_ms` (give or take half) between them."""
    import httpx2 as httpx  # the dev extras' HTTP client (Starlette's test client uses it too)

    with httpx.Client(base_url=base, trust_env=False, timeout=REQUEST_TIMEOUT_S) as client:
        csrf = None
        try:
            opened = client.get(f"/q/{p.token}")
            page = client.get("/portal")
            found = CSRF.search(page.text)
            if opened.status_code != 303 or page.status_code != 200 or found is None:
                outcome.failed.append(
                    f"{p.vendor_id}: opening the link gave {opened.status_code}, the overview "
                    f"{page.status_code}"
                )
            else:
                csrf = found.group(1)
        except Exception as exc:  # noqa: BLE001 - said in the figures, and the others go on
            outcome.failed.append(f"{p.vendor_id}: opening the link: {exc!r}")
        try:
            start.wait()
        except threading.BrokenBarrierError:
            outcome.failed.append(f"{p.vendor_id}: the start was abandoned")
            return
        if csrf is None:
            return
        pause = random.Random(p.vendor_id)
        for step in p.steps:
            if think_ms:
                time.sleep(think_ms / 1000 * pause.uniform(0.5, 1.5))
            try:
                if isinstance(step, Save):
                    _save_one(client, csrf, step, outcome)
                else:
                    _upload_one(client, csrf, step, p.vendor_id, outcome)
            except Exception as exc:  # noqa: BLE001 - said in the figures, and the session goes on
                outcome.failed.append(f"{p.vendor_id}: {exc!r}")


def _save_one(client: httpx.Client, csrf: str, step: Save, outcome: Outcome) -> None:
    data = [("csrf", csrf), *step.fields]
    started = time.perf_counter()
    response = client.post(f"/portal/a/{step.control_id}", data=_form(data))
    outcome.save_ms.append((time.perf_counter() - started) * 1000)
    if response.status_code != 200:
        outcome.failed.append(f"save {step.control_id}: {response.status_code}")
    elif "Not saved" in response.text or "Saved" not in response.text:
        why = re.search(r"Not saved: ([^<]*)", response.text)
        outcome.refused.append(f"{step.control_id}: {why.group(1) if why else response.text[:200]}")


def _form(fields: Sequence[tuple[str, str]]) -> dict[str, list[str]]:
    """Form fields as httpx takes them, a repeated name (multiple choice) as a list."""
    form: dict[str, list[str]] = {}
    for name, value in fields:
        form.setdefault(name, []).append(value)
    return form


def _upload_one(
    client: httpx.Client, csrf: str, step: Upload, vendor_id: str, outcome: Outcome
) -> None:
    body = _payload(step, vendor_id)
    data = _form([("csrf", csrf), *step.fields])
    started = time.perf_counter()
    response = client.post(
        "/portal/documents", data=data, files={"file": (step.name, body, "application/pdf")}
    )
    outcome.upload_ms.append((time.perf_counter() - started) * 1000)
    where = response.headers.get("location", "")
    if response.status_code == 303 and where.endswith("n=known"):
        outcome.known += 1
    elif response.status_code != 303 or not where.endswith("n=uploaded"):
        error = re.search(r'class="[^"]*error[^"]*"[^>]*>([^<]*)', response.text)
        detail = error.group(1) if error else where or response.text[:200]
        outcome.failed.append(f"upload {step.name}: {response.status_code} {detail}")


# -- a run -----------------------------------------------------------------------------------


def _percentile(ordered: Sequence[float], share: float) -> float:
    """The nearest-rank percentile of sorted values (0 for none)."""
    if not ordered:
        return 0.0
    rank = max(1, -(-len(ordered) * share // 100))
    return ordered[int(rank) - 1]


def _latencies(samples: list[float]) -> dict[str, Any]:
    ordered = sorted(samples)
    return {
        "count": len(ordered),
        "p50_ms": round(_percentile(ordered, 50), 1),
        "p95_ms": round(_percentile(ordered, 95), 1),
        "p99_ms": round(_percentile(ordered, 99), 1),
        "max_ms": round(ordered[-1], 1) if ordered else 0.0,
    }


def measure(root: Path, url: str | None, load: Load, workers: int, think_ms: int) -> dict[str, Any]:
    """One run: a fresh workspace on `url` (None: SQLite), the server with `workers` processes,
    every vendor at once, pausing `think_ms` between requests; the figures."""
    workspace = root / f"portal-{workers}-{think_ms}"
    with _database(url) as env:
        plans = prepare(workspace, load)
        log = root / f"portal-{workers}-{think_ms}.log"
        with serving(workspace, env, workers, log) as (base, pid):
            outcomes = [Outcome() for _ in plans]
            start = threading.Barrier(len(plans) + 1, timeout=300)
            threads = [
                threading.Thread(target=_session, args=(base, p, start, o, think_ms), daemon=True)
                for p, o in zip(plans, outcomes, strict=True)
            ]
            for thread in threads:
                thread.start()
            start.wait()  # every vendor has its page open
            server_before, own_before = _cpu_seconds(pid), _own_cpu_seconds()
            began = time.perf_counter()
            for thread in threads:
                thread.join()
            wall = time.perf_counter() - began
            server_after, own_after = _cpu_seconds(pid), _own_cpu_seconds()
        found = stored(workspace, plans)
    saves = [ms for o in outcomes for ms in o.save_ms]
    server_cpu = (
        round(server_after - server_before, 2)
        if server_before is not None and server_after is not None
        else None
    )
    return {
        "save": _latencies(saves),
        "upload": _latencies([ms for o in outcomes for ms in o.upload_ms]),
        "saves_per_s": round(len(saves) / wall, 1) if wall else 0.0,
        "wall_s": round(wall, 2),
        "server_cpu_s": server_cpu,
        "harness_cpu_s": round(own_after - own_before, 2),
        "failed": sum(len(o.failed) for o in outcomes),
        "refused": sum(len(o.refused) for o in outcomes),
        "uploads_known": sum(o.known for o in outcomes),
        "problems": [m for o in outcomes for m in (o.failed + o.refused)][:10],
        **found,
    }


def run(
    root: Path, load: Load, database: Callable[[int], AbstractContextManager[str | None]]
) -> dict[str, Any]:
    """A run per worker count and pause, each on a fresh workspace and the database
    `database(workers)` gives (a PostgreSQL URL, or None for the workspace's SQLite file). Runs
    are named by their worker count, and "1, 1000 ms pause" when the vendors pause."""
    figures: dict[str, Any] = {
        "vendors": load.vendors,
        "saves": load.saves,
        "files": load.files,
        "workers": {},
    }
    for think_ms in load.think_ms:
        for workers in load.workers:
            name = f"{workers}" + (f", {think_ms} ms pause" if think_ms else "")
            with database(workers) as url:
                figures["backend"] = "postgresql" if url else "sqlite"
                figures["workers"][name] = measure(root, url, load, workers, think_ms)
    return figures


def show(figures: dict[str, Any]) -> list[str]:
    """Print the run's figures and its targets; the targets missed."""
    backend = figures["backend"]
    print(
        f"\nVendor portal under load through `audit serve` on {backend}: {figures['vendors']} "
        f"vendors at once, each saving {figures['saves']} answers and uploading "
        f"{figures['files']} file(s), one request at a time (loopback); without a pause "
        "between a vendor's requests, and with one"
    )
    print(
        f"{'workers':<22} {'request':<7} {'count':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
        f"{'max ms':>8}"
    )
    for workers, run_ in figures["workers"].items():
        for name in ("save", "upload"):
            f = run_[name]
            print(
                f"{workers:<22} {name:<7} {f['count']:>6} {f['p50_ms']:>8.1f} {f['p95_ms']:>8.1f} "
                f"{f['p99_ms']:>8.1f} {f['max_ms']:>8.1f}"
            )
    for workers, f in figures["workers"].items():
        cpu = (
            f"; CPU {f['server_cpu_s']} s in the server, {f['harness_cpu_s']} s in the harness"
            if f["server_cpu_s"] is not None
            else ""
        )
        print(
            f"  workers {workers}: {f['saves_per_s']} saves/s over {f['wall_s']} s{cpu}; answers "
            f"expected {f['answers_expected']:,}, stored {f['answers_stored']:,}, lost "
            f"{f['answers_lost']}, comments wrong {f['comments_wrong']}; files expected "
            f"{f['files_expected']}, stored {f['files_stored']}; failed requests {f['failed']}, "
            f"saves refused {f['refused']}"
        )
        for problem in f["problems"] + f["lost_examples"]:
            print(f"    {problem}")
    note = "" if backend == "postgresql" else " (stated for PostgreSQL; this run is on SQLite)"
    print(f"\nPortal targets{note}")
    missed = []
    for workers, f in figures["workers"].items():
        checks = (
            (f"portal save p95 ms, workers {workers}", f["save"]["p95_ms"], "<", SAVE_P95_MS),
            (f"portal answers lost, workers {workers}", f["answers_lost"], "==", 0),
            (f"portal failed requests, workers {workers}", f["failed"], "==", 0),
        )
        for key, value, op, bound in checks:
            ok = value < bound if op == "<" else value == bound
            print(f"  {key:<38} {value:>10}  {op} {bound:<6} {'met' if ok else 'MISSED'}")
            if not ok:
                missed.append(key)
    return missed
