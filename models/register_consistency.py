"""One source of truth for a register entry's recipients and transfers (GDPR Art. 30(1)(d)
and (e)) and its processors' files (Art. 28).

The processors linked to an entry (table `processor_activity`) are recipients of its data
(Art. 4(9)); every country outside the EEA where one of them, or one of its live
sub-processors, processes or stores the data is a transfer (Art. 44), made under the
transfer tool its file records (Art. 45 adequacy, Art. 46(2)(c) standard contractual
clauses, Art. 47 BCRs, Art. 49 derogations). `derived_recipients` and `derived_transfers`
say what follows from those files; `contradictions` checks what the entry states by hand
beside them. Each contradiction is a catalogue key with parameters naming both sides (the
processor and what its file says; the entry and what it states); the register shows them
on the entry and on the processor's file, and the DPO cannot validate the entry while one
remains (dashboard/register.py).

Pure functions of plain data: nothing here reads a database.
"""

from dataclasses import dataclass

from models.processor_transfers import in_eea

# A processor file's transfer tool (models.processor_transfers.TRANSFER_TOOLS) -> the
# register's safeguard (models.register.SAFEGUARDS) that states the same thing.
TOOL_TO_SAFEGUARD = {"adequacy": "adequacy", "scc": "sccs", "bcr": "bcrs", "derogation": "derogation"}
LIVE_SUBPROCESSOR = ("notified", "active")  # as dashboard.processor.state: processes unless objected to
LIVE_PROCESSOR = ("assessed", "approved", "suspended")  # an ended processor no longer receives the data


@dataclass(frozen=True)
class Place:
    """A country where a processor (or, `via`, one of its sub-processors) works on the data."""

    country: str
    tool: str = ""  # the transfer tool its file records; "" inside the EEA
    via: str = ""  # the sub-processor's name, "" for the processor's own location
    detail: str = ""  # what the file says of the tool (SCC module, derogation, note)


@dataclass(frozen=True)
class ProcessorFacts:
    """What a processor's file says, as far as the register is concerned."""

    processor_id: int
    reference: str
    name: str
    status: str = "approved"
    places: tuple[Place, ...] = ()

    @property
    def live(self) -> bool:
        return self.status in LIVE_PROCESSOR

    @property
    def outside_eea(self) -> tuple[Place, ...]:
        return tuple(p for p in self.places if not in_eea(p.country))


@dataclass(frozen=True)
class DerivedTransfer:
    processor_id: int
    recipient: str  # the processor, or "sub-processor (processor)"
    country: str
    safeguard: str  # the register's word for the file's transfer tool, "" when none recorded
    detail: str = ""


@dataclass(frozen=True)
class Contradiction:
    """`key` is a catalogue message; `params` name both sides: `processor` (reference — name),
    `country` (an ISO code, written as a name by the page), `file_says` and `entry_says`
    (safeguards, as register catalogue suffixes)."""

    key: str
    processor_id: int
    params: tuple[tuple[str, str], ...] = ()

    @property
    def values(self) -> dict[str, str]:
        return dict(self.params)


def derived_recipients(processors: list[ProcessorFacts] | tuple[ProcessorFacts, ...]) -> list[str]:
    """The recipients that follow from the linked processors: each live processor."""
    return [p.name for p in processors if p.live]


def derived_transfers(processors) -> list[DerivedTransfer]:
    """The transfers outside the EEA that follow from the live processors' places."""
    found = []
    for processor in processors:
        if not processor.live:
            continue
        for place in processor.outside_eea:
            recipient = f"{place.via} ({processor.name})" if place.via else processor.name
            found.append(DerivedTransfer(processor.processor_id, recipient, place.country.upper(),
                                         TOOL_TO_SAFEGUARD.get(place.tool, ""), place.detail))
    return found


def completed_from_processors(recipients: list[dict], transfers: list[dict], processors) -> tuple[list, list]:
    """The entry's recipients and transfers (as dicts) completed with what follows from the
    processors' files: a recipient of kind "processor" for each live processor when the entry
    names none, and each transfer the entry does not state (same country and safeguard).
    What the entry states is kept as it is: a stated safeguard the file contradicts stays
    for the DPO to correct."""
    recipients, transfers = list(recipients), list(transfers)
    if not any(r.get("kind") == "processor" for r in recipients):
        recipients += [{"name": name[:300], "kind": "processor"} for name in derived_recipients(processors)]
    stated = {(t.get("country", "").upper(), t.get("safeguard", "")) for t in transfers}
    for derived in derived_transfers(processors):
        if derived.safeguard and (derived.country, derived.safeguard) not in stated:
            transfers.append({"recipient": derived.recipient[:300], "country": derived.country,
                              "safeguard": derived.safeguard, "safeguard_detail": derived.detail[:500]})
            stated.add((derived.country, derived.safeguard))
    return recipients, transfers


def contradictions(recipients, transfers, processors) -> list[Contradiction]:
    """What the entry states (its `recipients`: items with `name` and `kind`; its `transfers`:
    items with `recipient`, `country`, `safeguard`) against the linked processors' files.

    - `register.contradiction.no_processor_recipient`: processors serve the entry, yet it
      names no recipient of kind "processor" (Art. 30(1)(d));
    - `register.contradiction.no_transfer`: a processor works outside the EEA, the entry
      states no transfer at all ("no transfer outside the EEA");
    - `register.contradiction.transfer_missing`: the entry states transfers, but none to
      that country (Art. 30(1)(e));
    - `register.contradiction.safeguard_mismatch`: the entry states transfers to that
      country, none of them under the tool the processor's file records (the entry says
      SCCs where the file says adequacy).
    Every contradiction appears once per processor and country, in the processors' order.
    """
    live = [p for p in processors if p.live]
    found: list[Contradiction] = []
    if live and not any(r.kind == "processor" for r in recipients):
        for processor in live:
            found.append(Contradiction("register.contradiction.no_processor_recipient", processor.processor_id,
                                       (("processor", f"{processor.reference} — {processor.name}"),)))
    by_country: dict[str, set[str]] = {}
    for transfer in transfers:
        by_country.setdefault(transfer.country.upper(), set()).add(transfer.safeguard)
    for processor in live:
        seen = set()
        for place in processor.outside_eea:
            country = place.country.upper()
            safeguard = TOOL_TO_SAFEGUARD.get(place.tool, "")
            if (country, safeguard) in seen:
                continue
            seen.add((country, safeguard))
            who = (("processor", f"{processor.reference} — {processor.name}"), ("country", country),
                   ("via", place.via))
            stated = by_country.get(country)
            if not transfers:
                found.append(Contradiction("register.contradiction.no_transfer", processor.processor_id, who))
            elif not stated:
                found.append(Contradiction("register.contradiction.transfer_missing", processor.processor_id, who))
            elif safeguard and safeguard not in stated:
                found.append(Contradiction("register.contradiction.safeguard_mismatch", processor.processor_id,
                                           who + (("file_says", safeguard), ("entry_says", sorted(stated)[0]))))
    return found


def places_changed(before: tuple[Place, ...], after: tuple[Place, ...]) -> bool:
    """Whether a processor's places, as the register sees them, changed (order aside)."""
    return sorted(set(before), key=repr) != sorted(set(after), key=repr)
