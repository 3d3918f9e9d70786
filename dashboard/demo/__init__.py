"""Demo data built from the seed documents (../shared/seeds/): the insurer Médicis
with its two associations, the two e-learning platforms its DPO also serves,
their departments, one user per role, and realistic cases of every kind.

Deterministic (fixed random seed, dates relative to the day of seeding so that the
deadline screens always have something due and something late) and idempotent
(each part checks whether it already ran).
"""

from sqlmodel import Session

from dashboard.demo import (
    activities, attachments, breaches, core, dpia, dsr, evidence, mail, processor_records, processors, retention,
)

DEMO_PASSWORD = core.DEMO_PASSWORD
DEMO_ACCOUNTS = core.DEMO_ACCOUNTS

# Each feature adds its seeder here, in dependency order.
SEEDERS = (
    core.seed,
    activities.seed,
    dsr.seed,
    processors.seed,
    processor_records.seed,  # the record kept as a processor (Art. 30(2)): the platforms' business clients
    breaches.seed,
    dpia.seed,
    retention.seed,  # the yearly data review and consent withdrawals (after the requests)
    attachments.seed,
    mail.seed,
    evidence.seed,  # last: the audit pack gathers what the others issued
)


def seed(session: Session) -> None:
    for seeder in SEEDERS:
        seeder(session)
