"""Running the registered jobs: once each (`manage.py worker --once`) or on their
schedule with APScheduler 3 (`manage.py worker`)."""

import logging
from datetime import datetime

from sqlalchemy import Engine

from dashboard.jobs import JOBS, Job
from models.types import utcnow

log = logging.getLogger("dpo_desk.worker")


def run_job(job: Job, engine: Engine, now: datetime | None = None) -> object:
    """One run; an error is logged and does not stop the worker (the next run tries again)."""
    try:
        result = job.function()(engine, now)
    except Exception:  # a job's failure must not stop the others
        log.exception("job %s failed", job.name)
        return None
    log.info("job %s: %s", job.name, result)
    return result


def run_once(engine: Engine, names: list[str] | None = None, now: datetime | None = None) -> dict[str, object]:
    return {job.name: run_job(job, engine, now) for job in JOBS if not names or job.name in names}


def run_forever(engine: Engine, names: list[str] | None = None) -> None:
    from apscheduler.schedulers.blocking import BlockingScheduler
    from apscheduler.triggers.interval import IntervalTrigger

    scheduler = BlockingScheduler(timezone="UTC", job_defaults={"coalesce": True, "max_instances": 1,
                                                                 "misfire_grace_time": 60})
    for job in JOBS:
        if names and job.name not in names:
            continue
        scheduler.add_job(run_job, IntervalTrigger(seconds=job.seconds), args=(job, engine), id=job.name,
                          name=job.name, next_run_time=utcnow())
    log.info("worker started: %s", ", ".join(j.id for j in scheduler.get_jobs()))
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        pass
