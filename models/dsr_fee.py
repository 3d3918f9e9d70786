"""A reasonable fee on a data-subject request: the table and its rules.

- GDPR Art. 15(3): the first copy of the data is free; "for any further copies requested by
  the data subject, the controller may charge a reasonable fee based on administrative costs".
- GDPR Art. 12(5)(a): where a request is manifestly unfounded or excessive, in particular
  because of its repetitive character, the controller may charge a reasonable fee taking into
  account the administrative costs (or refuse to act, 12(5)(b): the outcomes of models.dsr);
  "the controller shall bear the burden of demonstrating" that character.
- EDPB Guidelines 01/2022 on the right of access (v2.1, §§ 2.2.2.2 and 6.3): the fee covers the
  costs the request causes, not overheads, and the controller can demonstrate that it is
  adequate; the person is told the amount before being charged, so as to maintain or withdraw
  the request.

The GDPR provides no suspension of the Art. 12(3) period while the person decides (some national
laws outside the Union start it on payment; French law does not): a fee notice stops no clock.
Its decision, amount and cost basis are recorded, then how it ended (paid, waived, or declined
by the person); a request is not closed while a fee awaits its answer.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Optional

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel

from models.errors import RuleViolation
from models.types import UTCDateTime, utcnow

FURTHER_COPY = "further_copy"  # Art. 15(3)
FEE_BASES = (FURTHER_COPY, "manifestly_unfounded", "excessive")  # the last two: Art. 12(5)(a)
NOTIFIED = "notified"
SETTLED_STATES = ("paid", "waived", "declined")
FEE_STATES = (NOTIFIED, *SETTLED_STATES)
# A bound against typing errors (cents typed as euros), not a legal ceiling: "reasonable" is
# judged case by case on the cost basis.
MAX_AMOUNT = Decimal("1000.00")
MIN_TEXT = 10  # a cost basis or a justification says something


class DsrFee(SQLModel, table=True):
    """A fee told to the person, then how it ended. Never deleted."""

    __tablename__ = "dsr_fee"

    id: Optional[int] = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="dsr_request.id", index=True)
    basis: str = Field(max_length=30)  # FEE_BASES
    amount_cents: int  # euros
    # How the amount follows from the administrative costs the request causes (EDPB).
    cost_basis: str = Field(sa_column=Column(Text, nullable=False))
    # Art. 12(5): why the request is manifestly unfounded or excessive (the burden of proof).
    reasons: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    notified_on: date  # the person was told the amount, and could withdraw
    state: str = Field(default=NOTIFIED, max_length=20)  # FEE_STATES
    settled_on: Optional[date] = None
    settled_note: str = Field(default="", max_length=500)
    recorded_by_id: Optional[int] = Field(default=None, foreign_key="app_user.id")
    recorded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


def check_fee(basis: str, rights: frozenset[str] | set[str], reasons: str) -> None:
    """A fee for further copies needs an access request; a fee under Art. 12(5) its reasons."""
    if basis == FURTHER_COPY:
        if "access" not in rights:
            raise RuleViolation("dsr.error.fee_copy_needs_access")
    elif len(reasons.strip()) < MIN_TEXT:
        raise RuleViolation(f"dsr.error.fee_reasons_required.{basis}")


def cents(amount: Decimal) -> int:
    """The stored amount: a validated Decimal has at most two places."""
    return int((amount * 100).to_integral_value())

