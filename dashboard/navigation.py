"""Which pages each role sees. Pure data: dashboard/app.py turns it into st.Page
objects. Showing a page is convenience only: every page re-checks, and every use
case checks again when it touches a record."""

from collections.abc import Callable
from dataclasses import dataclass, replace

from dashboard.actor import Actor
from models.roles import Capability


def _everyone(actor: Actor) -> bool:
    return True


def _capable(capability: Capability) -> Callable[[Actor], bool]:
    return lambda actor: actor.can(capability)


def _capable_any(*capabilities: Capability) -> Callable[[Actor], bool]:
    return lambda actor: any(actor.can(c) for c in capabilities)


@dataclass(frozen=True)
class PageSpec:
    file: str  # under the top-level pages/ folder
    url_path: str
    title_key: str
    icon: str
    section_key: str
    visible_to: Callable[[Actor], bool] = _everyone
    default: bool = False
    hidden: bool = False  # routable (links, st.switch_page) but not listed in the sidebar
    refused: bool = False  # outside the user's role: its address answers with a logged refusal, the page never runs


PAGES: tuple[PageSpec, ...] = (
    PageSpec("home.py", "home", "nav.home", ":material/home:", "nav.section.general", default=True),
    PageSpec("dsr_requests.py", "dsr", "dsr.nav.requests", ":material/person_search:", "nav.section.cases",
             _capable_any(Capability.WORK_ALL_CASES, Capability.WORK_DEPARTMENT_CASES, Capability.READ_ALL_CASES)),
    PageSpec("dsr_intake.py", "dsr-new", "dsr.nav.new", ":material/add_circle:", "nav.section.cases",
             _capable(Capability.WORK_ALL_CASES)),
    PageSpec("dsr_answer_templates.py", "answer-templates", "answer.nav.templates", ":material/mail:",
             "nav.section.cases", _capable(Capability.WORK_ALL_CASES)),
    PageSpec("dsr_case.py", "dsr-case", "dsr.nav.case", ":material/folder_open:", "nav.section.cases",
             _capable_any(Capability.WORK_ALL_CASES, Capability.WORK_DEPARTMENT_CASES, Capability.READ_ALL_CASES),
             hidden=True),
    PageSpec("person_search.py", "person-search", "person_search.nav", ":material/manage_search:", "nav.section.cases",
             _capable(Capability.WORK_ALL_CASES)),
    PageSpec("register_list.py", "register", "register.nav", ":material/menu_book:", "nav.section.cases"),
    PageSpec("register_source_import.py", "register-import-source", "register.source.nav", ":material/upload_file:",
             "nav.section.cases", _capable(Capability.WORK_ALL_CASES)),
    PageSpec("register_activity.py", "register-activity", "register.nav_activity", ":material/description:",
             "nav.section.cases", hidden=True),
    PageSpec("processor_register.py", "processors", "processor.nav.register", ":material/handshake:",
             "nav.section.cases"),
    PageSpec("processor_record.py", "processor-record", "processor_record.nav", ":material/work_history:",
             "nav.section.cases"),
    PageSpec("processor_file.py", "processor", "processor.nav.file", ":material/handshake:", "nav.section.cases",
             hidden=True),
    PageSpec("breach_register.py", "breaches", "breach.nav.register", ":material/gpp_maybe:", "nav.section.cases"),
    PageSpec("breach_case.py", "breach", "breach.nav.case", ":material/policy:", "nav.section.cases", hidden=True),
    PageSpec("dpia_register.py", "dpia", "dpia.nav.register", ":material/assessment:", "nav.section.cases"),
    PageSpec("dpia_screening.py", "dpia-screening", "dpia.nav.screening", ":material/checklist:", "nav.section.cases"),
    PageSpec("dpia_detail.py", "dpia-detail", "dpia.nav.detail", ":material/description:", "nav.section.cases",
             hidden=True),
    PageSpec("retention_campaigns.py", "retention", "retention.nav", ":material/auto_delete:", "nav.section.cases",
             _capable_any(Capability.WORK_ALL_CASES, Capability.WORK_DEPARTMENT_CASES, Capability.READ_ALL_CASES)),
    PageSpec("consent_withdrawals.py", "consent", "consent.nav", ":material/how_to_reg:", "nav.section.cases",
             _capable_any(Capability.WORK_ALL_CASES, Capability.WORK_DEPARTMENT_CASES, Capability.READ_ALL_CASES)),
    PageSpec("action_plan.py", "action-plan", "action_plan.nav", ":material/checklist_rtl:", "nav.section.cases",
             _capable_any(Capability.WORK_ALL_CASES, Capability.WORK_DEPARTMENT_CASES, Capability.READ_ALL_CASES)),
    PageSpec("audit_trail.py", "audit-trail", "nav.audit_trail", ":material/history:",
             "nav.section.evidence", _capable(Capability.READ_AUDIT_TRAIL)),
    PageSpec("evidence_documents.py", "evidence", "evidence.nav.documents", ":material/folder_open:",
             "nav.section.evidence"),
    PageSpec("evidence_verify.py", "verify", "evidence.nav.verify", ":material/fact_check:", "nav.section.evidence"),
    PageSpec("evidence_pack.py", "audit-pack", "evidence.nav.pack", ":material/folder_zip:", "nav.section.evidence",
             _capable(Capability.READ_AUDIT_TRAIL)),
    PageSpec("admin_users.py", "users", "nav.users", ":material/group:", "nav.section.admin",
             _capable(Capability.MANAGE_USERS)),
    PageSpec("admin_organisation.py", "organisation", "nav.organisation", ":material/domain:",
             "nav.section.admin", _capable(Capability.MANAGE_SETTINGS)),
    PageSpec("dsr_routing.py", "dsr-routing", "dsr.nav.routing", ":material/alt_route:", "nav.section.admin",
             _capable(Capability.MANAGE_SETTINGS)),
    PageSpec("mail_log.py", "mail", "mail.log.nav", ":material/mail:", "nav.section.admin",
             _capable(Capability.MANAGE_SETTINGS)),
    PageSpec("account.py", "account", "nav.account", ":material/person:", "nav.section.admin"),
)

LOGIN_PAGE = PageSpec("login.py", "login", "nav.login", ":material/login:", "nav.section.general",
                      default=True)


PASSWORD_PAGE = PageSpec("password_change.py", "password", "nav.password", ":material/password:",
                         "nav.section.general", default=True)


MFA_PAGE = PageSpec("mfa_enrol.py", "second-factor", "nav.second_factor", ":material/phonelink_lock:",
                    "nav.section.general", default=True)


def _gate_for(actor: Actor | None) -> PageSpec | None:
    """The one page a user must pass before any other, if any."""
    if actor is None:
        return LOGIN_PAGE
    if actor.must_change_password:  # a temporary password: nothing else until it is changed
        return PASSWORD_PAGE
    if actor.needs_second_factor:  # the role requires a second factor: nothing else until it is set
        return MFA_PAGE
    return None


def pages_for(actor: Actor | None) -> list[PageSpec]:
    """The pages this user may open."""
    if (gate := _gate_for(actor)) is not None:
        return _gate(gate)
    return [spec for spec in PAGES if spec.visible_to(actor)]


def routes_for(actor: Actor | None) -> list[PageSpec]:
    """Every address of the app for this user: their pages, and the address of each other page,
    hidden, answering with a refusal that is logged (`refused`: the page itself never runs)."""
    if _gate_for(actor) is not None:  # the gate already answers at every address
        return pages_for(actor)
    return [spec if spec.visible_to(actor) else replace(spec, hidden=True, refused=True) for spec in PAGES]


def _gate(page: PageSpec) -> list[PageSpec]:
    """The one page a user must pass, also answering at every address of the app (hidden): a link
    followed before signing in (a mail's, a bookmark) shows the gate and keeps its address, and the
    page asked for opens once through, instead of Streamlit's "Page not found" and the overview."""
    return [page, *(PageSpec(page.file, spec.url_path, page.title_key, page.icon, page.section_key, hidden=True)
                    for spec in PAGES if not spec.default)]


def spec_for_file(file: str) -> PageSpec:
    return next(spec for spec in (*PAGES, LOGIN_PAGE, PASSWORD_PAGE, MFA_PAGE) if spec.file == file)
