"""Personal-data breaches: the register (records), the decisions and phases
(workflow), the documents (documents) and the link to processing activities (links).

Pages use the names re-exported here.
"""

from dashboard.breach.documents import (
    documents_of,
    issue_authority_notice,
    issue_people_letter,
    issue_register,
)
from dashboard.breach.forms import from_paris, to_paris
from dashboard.breach.records import (
    BreachFilter,
    count_breaches,
    counts,
    declare,
    get_breach,
    list_breaches,
    update_facts,
)
from dashboard.breach.workflow import (
    add_step,
    close,
    complete_step,
    qualify,
    record_notification,
    reopen,
    save_letter_english,
    save_people_communication,
)

__all__ = [
    "BreachFilter", "add_step", "close", "complete_step", "count_breaches", "counts", "declare", "documents_of", "from_paris",
    "get_breach", "issue_authority_notice", "issue_people_letter", "issue_register", "list_breaches", "qualify",
    "record_notification", "reopen", "save_letter_english", "save_people_communication", "to_paris", "update_facts",
]
