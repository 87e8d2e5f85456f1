"""`audit scheduler`: the `schedule` library calls the jobs of `audit.services.automation`.

It runs in the foreground, logs each action, and stops cleanly on SIGTERM or Ctrl-C: the signal
only sets a flag, so the job in hand finishes before the loop exits. The ledger makes a restart
harmless.
"""

from __future__ import annotations

import datetime as dt
import logging
import signal
import threading
from collections.abc import Callable

import schedule

from audit.services.automation import Jobs
from audit.services.database import exclusive
from audit.services.ledger import Action
from audit.workspace import Workspace

log = logging.getLogger("audit.scheduler")


def run_once(
    workspace: Workspace, as_of: dt.date, report: Callable[[str, Action], None] | None = None
) -> list[Action]:
    """Every job once for `as_of`; `report` is told of each action as it happens. One run at a
    time per database: a second scheduler (cron overlapping a service, another machine) waits
    for the first to finish, then finds in the ledger that everything is done."""
    taken = []
    with exclusive(workspace, "scheduler"):
        jobs = Jobs(workspace, as_of)
        for name, job in jobs.all():
            for action in job():
                taken.append(action)
                if report:
                    report(name, action)
    return taken


def run_forever(
    workspace: Workspace,
    *,
    every_minutes: int = 60,
    today: Callable[[], dt.date] = dt.date.today,
    report: Callable[[str, Action], None] | None = None,
    stop: threading.Event | None = None,
) -> None:
    """Run the jobs now and then every `every_minutes` until SIGTERM or SIGINT."""
    stop = stop or threading.Event()

    def request_stop(signum: int, _frame: object) -> None:
        log.info("signal %s received: stopping after the job in hand", signum)
        stop.set()

    previous = {s: signal.signal(s, request_stop) for s in (signal.SIGTERM, signal.SIGINT)}
    scheduler = schedule.Scheduler()

    def tick() -> None:
        actions = run_once(workspace, today(), report)
        log.info("jobs ran for %s: %d action(s)", today(), len(actions))

    scheduler.every(every_minutes).minutes.do(tick)
    try:
        tick()
        while not stop.is_set():
            scheduler.run_pending()
            stop.wait(1)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
