"""Which pages each role sees. Pure data: dashboard/app.py turns it into st.Page
objects. Showing a page is convenience only: every page re-checks, and every use
case checks again when it touches a record."""

from collections.abc import Callable
from dataclasses import dataclass

from dashboard.actor import Actor
from models.roles import Capability


def _everyone(actor: Actor) -> bool:
    return True


def _capable(capability: Capability) -> Callable[[Actor], bool]:
    return lambda actor: actor.can(capability)


@dataclass(frozen=True)
class PageSpec:
    file: str  # under the top-level pages/ folder
    url_path: str
    title_key: str
    icon: str
    section_key: str
    visible_to: Callable[[Actor], bool] = _everyone
    default: bool = False


PAGES: tuple[PageSpec, ...] = (
    PageSpec("home.py", "home", "nav.home", ":material/home:", "nav.section.general", default=True),
    PageSpec("dpia_register.py", "dpia", "dpia.nav.register", ":material/assessment:", "nav.section.cases"),
    PageSpec("dpia_screening.py", "dpia-screening", "dpia.nav.screening", ":material/checklist:", "nav.section.cases"),
    PageSpec("dpia_detail.py", "dpia-detail", "dpia.nav.detail", ":material/description:", "nav.section.cases"),
    PageSpec("audit_trail.py", "audit-trail", "nav.audit_trail", ":material/history:",
             "nav.section.evidence", _capable(Capability.READ_AUDIT_TRAIL)),
    PageSpec("admin_users.py", "users", "nav.users", ":material/group:", "nav.section.admin",
             _capable(Capability.MANAGE_USERS)),
    PageSpec("admin_organisation.py", "organisation", "nav.organisation", ":material/domain:",
             "nav.section.admin", _capable(Capability.MANAGE_SETTINGS)),
    PageSpec("account.py", "account", "nav.account", ":material/person:", "nav.section.admin"),
)

LOGIN_PAGE = PageSpec("login.py", "login", "nav.login", ":material/login:", "nav.section.general",
                      default=True)


def pages_for(actor: Actor | None) -> list[PageSpec]:
    if actor is None:
        return [LOGIN_PAGE]
    return [spec for spec in PAGES if spec.visible_to(actor)]


def spec_for_file(file: str) -> PageSpec:
    return next(spec for spec in (*PAGES, LOGIN_PAGE) if spec.file == file)
