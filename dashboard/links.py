"""What each processing activity links to, gathered from every case type.

Each case type that can be linked to processing activities provides a function
`(session, actor, activity_id) -> list[LinkedCase]` returning the linked cases the
actor may see, and lists it in PROVIDERS ("module:function"). The register shows
them on each activity without knowing the case types.
"""

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from dashboard.actor import Actor


@dataclass(frozen=True)
class LinkedCase:
    case_type: str  # "dsr", "breach", "processor", "dpia"
    case_id: int
    reference: str
    title: str
    status: str  # catalogue key of the status, shown translated
    is_open: bool
    url_path: str = ""  # page to open it on, if any
    day: date | None = None  # its date (received, screened...), written by the page in the reader's format


PROVIDERS: list[str] = [
    "dashboard.dsr.links:linked_requests",
    "dashboard.processor.links:processors_of_activity",
    "dashboard.breach.links:linked_breaches",
    "dashboard.dpia.links:linked_to_activity",
]


def _provider(path: str) -> Callable[[Session, Actor, int], list[LinkedCase]]:
    module, function = path.split(":")
    return getattr(importlib.import_module(module), function)


def cases_linked_to_activity(session: Session, actor: Actor, activity_id: int) -> list[LinkedCase]:
    linked: list[LinkedCase] = []
    for path in PROVIDERS:
        linked.extend(_provider(path)(session, actor, activity_id))
    return linked
