"""The background jobs that `manage.py worker` runs (and that `manage.py demo` starts).

A job is a function `(engine, now) -> object` named "module:function", run every
`seconds` by the scheduler (APScheduler 3, one process, one run of a job at a time;
a run that is late is run once, not many times). Jobs must be safe when two workers run
them at once (claim rows first: see dashboard/mail/outbox.py) and must not import
streamlit. To add one, append a line to JOBS: a name, an interval in seconds and
"module:function" (as `own_retention.pseudonymise` below).
"""

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine


@dataclass(frozen=True)
class Job:
    name: str
    seconds: int  # interval between two runs
    target: str  # "module:function", the function taking (engine, now)

    def function(self) -> Callable[[Engine, datetime | None], object]:
        module, name = self.target.split(":")
        return getattr(importlib.import_module(module), name)


JOBS: list[Job] = [
    Job("mail.recover", 300, "dashboard.mail.worker:recover_interrupted"),
    Job("mail.reminders", 300, "dashboard.mail.worker:schedule_reminders"),
    Job("mail.digest", 900, "dashboard.mail.worker:schedule_digests"),
    Job("mail.deliver", 20, "dashboard.mail.worker:deliver"),
    # DPO Desk's own retention (Art. 5(1)(e)): pseudonymise and shred the cases past their period.
    Job("own_retention.pseudonymise", 24 * 3600, "dashboard.own_retention:run_own_retention"),
]


def find(name: str) -> Job:
    for job in JOBS:
        if job.name == name:
            return job
    raise KeyError(name)
