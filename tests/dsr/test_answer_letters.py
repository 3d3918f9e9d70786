"""Answer letters: templates validated on save (syntax, unknown fields, sandbox escapes,
hostile text), every version kept, the permission matrix, a stale save refused with
who/when, and the answer issued once as a PDF in the evidence registry with its sent date."""

import hashlib
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text
from sqlmodel import func, select

from dashboard import evidence
from dashboard.dsr import answers, queries, work, workflow
from dashboard.errors import ConcurrentEdit, NotAllowed
from dashboard.validation import InvalidInput
from models.answer_letter import KINDS, LANGUAGES, AnswerLetter, AnswerTemplate, letter_kind
from models.audit import AuditEntry
from models.clock import paris_today
from models.dsr import DataSubjectRequest
from models.errors import DomainError, RuleViolation
from models.evidence import EvidenceDocument
from models.letter_template import PLACEHOLDERS, check_template, render, still_to_complete
from tests.dsr.conftest import make_request, paris_noon
from tests.pdf_reading import pdf_text

GOOD = "Madame, Monsieur,\n\nNous avons bien reçu votre demande {{ reference }}, {{ requester_name }}."

# ------------------------------------------------------------------ validation (pure)

ESCAPES = [
    "{{ ''.__class__ }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ reasons.__class__.__base__ }}",
    "{{ reasons['__class__'] }}",
    "{{ reasons.upper() }}",
    "{{ reasons|attr('__class__') }}",
    "{{ self }}",
    "{{ config }}",
    "{{ lipsum() }}",
    "{{ cycler.__init__.__globals__ }}",
    "{{ range(100000) }}",
    "{% for x in reasons %}{{ x }}{% endfor %}",
    "{{ 'a' * 100000000 }}",
    "{{ 9 ** 9 ** 9 }}",
    "{% set reasons = 'x' %}",
    "{% include 'secret.txt' %}",
    "{% extends 'base.html' %}",
    "{% macro m() %}x{% endmacro %}",
    "{% import 'x' as y %}",
    "{{ reasons|format('%s') }}",
    "{% raw %}{{ x }}{% endraw %}{{ reasons.__dict__ }}",
]


@pytest.mark.parametrize("escape", ESCAPES)
def test_sandbox_escapes_are_refused_on_save(escape):
    with pytest.raises(RuleViolation) as refused:
        check_template(f"Madame, Monsieur, {escape} texte de la lettre.")
    assert refused.value.key.startswith("answer.error.")


def test_syntax_error_names_its_line_and_unknown_field_its_name():
    with pytest.raises(RuleViolation) as syntax:
        check_template("Madame, Monsieur,\n\nligne deux\n{% if partly_granted %} jamais fermé")
    assert syntax.value.key == "answer.error.template_syntax" and syntax.value.params["line"] >= 3
    with pytest.raises(RuleViolation) as unknown:
        check_template("Madame, Monsieur, {{ numero_secu }} et {{ reference }}.")
    assert unknown.value.key == "answer.error.unknown_placeholder" and unknown.value.params["names"] == "numero_secu"


def test_nul_and_length_limits():
    with pytest.raises(RuleViolation) as nul:
        check_template(GOOD + "\x00")
    assert nul.value.key == "validation.nul_character"
    assert len(check_template("a" * 20_000).body) == 20_000
    with pytest.raises(RuleViolation) as long:
        check_template("a" * 20_001)
    assert long.value.key == "answer.error.template_too_long"


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_text_is_either_a_valid_template_or_a_clear_refusal(body):
    try:
        checked = check_template(body)
    except RuleViolation as error:
        assert error.key.startswith(("answer.error.", "validation."))
        return
    values = {name: (True if boolean else "«valeur»") for name, boolean in PLACEHOLDERS.items()}
    assert isinstance(render(checked.body, values), str)


@settings(max_examples=100, deadline=None)
@given(st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,20}", fullmatch=True))
def test_a_field_is_accepted_only_if_documented(name):
    body = f"Madame, Monsieur, {{{{ {name} }}}} — fin de la lettre."
    if name in PLACEHOLDERS:
        assert name in check_template(body).placeholders
    else:
        with pytest.raises(RuleViolation):
            check_template(body)


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_characters="{}%#\x00"), min_size=1, max_size=200))
def test_a_value_is_inserted_as_plain_text_never_evaluated(value):
    """A requester named "{{ ''.__class__ }}" or "{% include %}" is printed, not run."""
    values = {name: (False if boolean else "x") for name, boolean in PLACEHOLDERS.items()}
    for hostile in (value, "{{ ''.__class__ }}", "{% include 'x' %}"):
        values["requester_name"] = hostile
        out = render("Bonjour {{ requester_name }}, votre demande est enregistrée.", values)
        assert " ".join(hostile.split()) in " ".join(out.split())


def test_every_default_template_is_valid_and_each_right_and_outcome_has_one():
    from dashboard.dsr.answer_defaults import DEFAULTS
    assert set(DEFAULTS) == {(k, lang) for k in KINDS for lang in LANGUAGES}
    for body in DEFAULTS.values():
        check_template(body)
    assert letter_kind({"access", "erasure"}, "granted") == "access"
    assert letter_kind({"access"}, "partly_granted") == "access"
    assert letter_kind({"erasure"}, "refused") == "refusal"
    assert letter_kind({"access"}, "cannot_identify") == "cannot_identify"
    assert letter_kind({"access"}, "excessive") == letter_kind({"access"}, "manifestly_unfounded") \
        == "unfounded_excessive"
    assert letter_kind({"marketing_opt_out"}, "granted") == "objection"
    assert letter_kind({"consent_withdrawal"}, "granted") == "other_right"


def test_refusal_letters_carry_the_article_12_4_wording():
    from dashboard.dsr.answer_defaults import DEFAULTS
    for kind in ("refusal", "cannot_identify", "unfounded_excessive"):
        assert "réclamation auprès de la CNIL" in DEFAULTS[kind, "fr"] or "CNIL)" in DEFAULTS[kind, "fr"]
        assert "recours juridictionnel" in DEFAULTS[kind, "fr"] and "{{ reasons }}" in DEFAULTS[kind, "fr"]
        assert "judicial remedy" in DEFAULTS[kind, "en"] and "{{ reasons }}" in DEFAULTS[kind, "en"]
    access = DEFAULTS["access", "fr"]
    for item in ("{{ purposes }}", "{{ data_categories }}", "{{ recipients }}", "{{ retention }}", "rectification",
                 "effacement", "limitation", "opposer", "CNIL", "{{ source }}", "article 22", "{{ transfers }}"):
        assert item in access, item
    access = DEFAULTS["access", "en"]  # the English letter lists the same Art. 15(1)-(2) items
    for item in ("{{ purposes }}", "{{ data_categories }}", "{{ recipients }}", "{{ retention }}", "rectification",
                 "erasure", "restriction", "object", "CNIL", "{{ source }}", "Article 22", "{{ transfers }}"):
        assert item in access, item
    for language, article in (("fr", "articles 11, paragraphe 2"), ("en", "Articles 11(2)"), ("fr", "article 12, paragraphe 5"),
                              ("en", "Article 12(5)")):  # the Art. 11 and Art. 12(5) answers name their article
        kind = "cannot_identify" if "11" in article else "unfounded_excessive"
        assert article in DEFAULTS[kind, language], (kind, language)


# ------------------------------------------------------------------ templates in the database


def _template(org, kind="refusal", language="fr"):
    with org.work() as session:  # the first use records the defaults
        return answers.template_history(session, org.dpo, kind, language)


def test_defaults_are_recorded_on_first_use_and_every_save_is_a_new_version(org):
    first = _template(org)
    assert [v.revision for v in first] == [1] and first[0].created_by_name == "DPO Desk"
    with org.work() as session:
        answers.save_template(session, org.dpo, "refusal", "fr", 1, {"body": first[0].body + "\n\nP.S. 1",
                                                                      "note": "ajout"})
    with org.work() as session:
        answers.save_template(session, org.legal, "refusal", "fr", 2, {"body": first[0].body + "\n\nP.S. 2"})
    history = _template(org)
    assert [v.revision for v in history] == [3, 2, 1]
    assert [v.created_by_name for v in history] == [org.legal.full_name, org.dpo.full_name, "DPO Desk"]
    assert history[2].body == first[0].body  # the first version is still there, unchanged
    assert history[1].note == "ajout"
    with org.session() as session:
        assert session.exec(select(func.count()).select_from(AnswerTemplate)).one() == len(KINDS) * 2 + 2
        saves = session.exec(select(AuditEntry).where(AuditEntry.action == "answer_template.save")).all()
    assert [e.details["revision"] for e in saves] == [[1, 2], [2, 3]]


def test_an_invalid_template_saves_nothing(org):
    current = _template(org)[0]
    for body, key in (("{{ ''.__class__ }} " + current.body, "answer.error.template_construct"),
                      (current.body + " {{ inconnu }}", "answer.error.unknown_placeholder"),
                      (current.body + " {% if reasons %}", "answer.error.template_syntax")):
        with pytest.raises(RuleViolation) as refused, org.work() as session:
            answers.save_template(session, org.dpo, "refusal", "fr", 1, {"body": body})
        assert refused.value.key == key
    with pytest.raises(InvalidInput), org.work() as session:
        answers.save_template(session, org.dpo, "refusal", "fr", 1, {"body": current.body + "\x00"})
    assert [v.revision for v in _template(org)] == [1]


def test_two_editors_on_the_same_version_second_is_refused_with_who_and_when(org):
    body = _template(org)[0].body
    with org.work() as session:
        answers.save_template(session, org.legal, "refusal", "fr", 1, {"body": body + "\n\nVersion juriste."})
    with pytest.raises(ConcurrentEdit) as stale, org.work() as session:
        answers.save_template(session, org.dpo, "refusal", "fr", 1, {"body": body + "\n\nVersion DPO."})
    assert stale.value.key == "error.concurrent_edit_by"
    assert stale.value.params["who"] == org.legal.full_name and stale.value.params["at"] is not None
    assert [v.revision for v in _template(org)] == [2, 1]


def test_a_template_row_changed_behind_the_apps_back_is_refused_by_the_database(org):
    _template(org)
    with org.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM dsr_answer_template WHERE revision = 1")).scalar() > 0
    with pytest.raises(Exception), org.engine.begin() as connection:
        connection.execute(text("UPDATE dsr_answer_template SET body = 'falsifié' WHERE revision = 1"))
    with pytest.raises(Exception), org.engine.begin() as connection:
        connection.execute(text("DELETE FROM dsr_answer_template"))
    assert _template(org)[0].body != "falsifié"


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(extra=st.one_of(st.text(max_size=200), st.sampled_from(["{{ ''.__class__ }}", "{% if x %}", "\x00",
                                                              "{{ reasons }}", "{# note #}", "{{", "%}"])))
def test_hostile_template_saves_are_stored_exactly_or_refused_with_nothing_saved(org, extra):
    """On SQLite and PostgreSQL: what is accepted comes back byte for byte; what is refused
    is a clear domain error and leaves the history as it was."""
    with org.work() as session:
        before = answers.template_history(session, org.dpo, "objection", "en")
    body = before[0].body + "\n\n" + extra
    try:
        with org.work() as session:
            saved = answers.save_template(session, org.dpo, "objection", "en", before[0].revision, {"body": body})
    except DomainError as error:
        assert error.key.startswith(("answer.error.", "error.invalid_input", "validation."))
        with org.session() as session:
            assert len(answers.template_history(session, org.dpo, "objection", "en")) == len(before)
        return
    with org.session() as session:
        after = answers.template_history(session, org.dpo, "objection", "en")
    assert after[0].revision == before[0].revision + 1 and after[0].body == saved.body == check_template(body).body


@pytest.mark.parametrize("who", ["head_hr", "auditor"])
def test_only_dpo_and_legal_edit_templates(org, who):
    body = _template(org)[0].body
    with pytest.raises(NotAllowed), org.work() as session:
        answers.save_template(session, getattr(org, who), "refusal", "fr", 1, {"body": body + " x"})
    with pytest.raises(NotAllowed), org.session() as session:
        answers.list_templates(session, getattr(org, who))


# ------------------------------------------------------------------ a request's answer


@pytest.fixture
def staff_request(routed_org):
    """An HR access request (staff member), in progress, with a search that found data."""
    org = routed_org
    request = make_request(org, relation="staff", requester_name="Thomas Roux",
                           requester_contact="12 rue des Lilas, 75011 Paris",
                           received_at=paris_noon(paris_today() - timedelta(days=10)))
    with org.work() as session:
        request = workflow.start_work(session, org.dpo, request.id, request.version)
    with org.work() as session:
        work.add_search(session, org.head_hr, request.id, request.version,
                        {"system": "SIRH", "data_categories": "identité, paie", "found": True,
                         "searched_on": paris_today()})
    with org.session() as session:
        return org, session.get(DataSubjectRequest, request.id)


def _propose(org, request, actor=None, outcome="granted", language="fr", text=None):
    with org.session() as session:
        drafted = answers.draft(session, actor or org.head_hr, request.id, outcome, language)
    with org.work() as session:
        return answers.propose(session, actor or org.head_hr, request.id, request.version,
                               {"outcome": outcome, "language": language, "answer": text or drafted.text})


def _complete(org, letter, request_id, actor=None):
    body = letter.body.replace("[À compléter", "[fait").replace("[To be completed", "[done")
    with org.work() as session:
        return answers.edit(session, actor or org.dpo, request_id, letter.version, {"body": body})


def test_head_drafts_from_the_template_and_proposes(staff_request):
    org, request = staff_request
    with org.session() as session:
        drafted = answers.draft(session, org.head_hr, request.id, "granted", "fr")
    assert drafted.kind == "access" and drafted.revision == 1
    assert "Thomas Roux" not in drafted.text  # the salutation is "Madame, Monsieur": the name is on the address
    assert request.reference in drafted.text and "SIRH (identité, paie)" in drafted.text
    assert "[À compléter" in drafted.text  # the register does not say it: left to write
    letter = _propose(org, request)
    assert letter.kind == "access" and letter.proposed_by_name == org.head_hr.full_name
    with org.session() as session:
        assert queries.open_request(session, org.dpo, request.id).request.status == "answer_proposed"


def test_head_of_another_department_cannot_draft_or_propose(staff_request):
    org, request = staff_request
    with pytest.raises(NotAllowed), org.session() as session:
        answers.draft(session, org.head_cr, request.id, "granted", "fr")
    with pytest.raises(NotAllowed), org.work() as session:
        answers.propose(session, org.head_cr, request.id, request.version,
                        {"outcome": "granted", "language": "fr", "answer": "Réponse proposée par un autre."})


def test_head_cannot_edit_or_issue_and_auditor_only_reads(staff_request):
    org, request = staff_request
    letter = _propose(org, request)
    for actor in (org.head_hr, org.auditor):
        with pytest.raises(NotAllowed), org.work() as session:
            answers.edit(session, actor, request.id, letter.version, {"body": "Texte réécrit par quelqu'un."})
        with pytest.raises(NotAllowed), org.work() as session:
            answers.issue(session, actor, request.id, letter.version, {"sent_on": paris_today()})
    with pytest.raises(NotAllowed), org.work() as session:
        answers.propose(session, org.auditor, request.id, request.version + 1,
                        {"outcome": "granted", "language": "fr", "answer": "Réponse de l'auditeur."})
    with org.session() as session:
        seen = answers.answer_of(session, org.auditor, request.id)
    assert seen.letter.body == letter.body


def test_stale_edit_of_the_answer_is_refused_with_who_and_when(staff_request):
    org, request = staff_request
    letter = _propose(org, request)
    with org.work() as session:
        answers.edit(session, org.dpo, request.id, letter.version, {"body": letter.body + "\n\nCorrigé par le DPO."})
    with pytest.raises(ConcurrentEdit) as stale, org.work() as session:
        answers.edit(session, org.legal, request.id, letter.version, {"body": letter.body + "\n\nVersion juriste."})
    assert stale.value.params["who"] == org.dpo.username  # the audit trail names the user
    with org.session() as session:
        assert answers.answer_of(session, org.dpo, request.id).letter.body.endswith("Corrigé par le DPO.")


def test_issue_records_the_pdf_and_the_sent_date_once(staff_request):
    org, request = staff_request
    letter = _complete(org, _propose(org, request), request.id)
    sent_on = paris_today() - timedelta(days=1)
    with org.work() as session:
        document = answers.issue(session, org.legal, request.id, letter.version, {"sent_on": sent_on})
    with org.work() as session:  # the double click: same version, nothing new
        again = answers.issue(session, org.legal, request.id, letter.version, {"sent_on": sent_on})
    assert again.id == document.id
    with org.session() as session:
        stored = session.exec(select(EvidenceDocument).where(EvidenceDocument.kind == answers.KIND_ANSWER)).all()
        issued = [evidence.readable(session, d).content for d in stored]  # stored encrypted under the case key
        view = answers.answer_of(session, org.auditor, request.id)
        entries = session.exec(select(AuditEntry).where(AuditEntry.object_ref == request.reference)
                               .order_by(AuditEntry.seq)).all()
    assert len(stored) == 1 and stored[0].sha256 == hashlib.sha256(issued[0]).hexdigest()
    assert stored[0].case_ref == request.reference and stored[0].language == "fr"
    assert view.letter.sent_on == sent_on and view.document_number == document.number
    content = pdf_text(stored[0].content)
    for expected in ("Thomas Roux", "12 rue des Lilas", request.reference, "Claire Fontaine",
                     "Réponse à votre demande d'accès", document.verification_code):
        assert expected in content, expected
    # The letter is dated the day it was sent, not the day its PDF was filed (the footer says that).
    months = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
              "novembre", "décembre")
    assert f"Le {sent_on.day} {months[sent_on.month - 1]} {sent_on.year}" in content
    today = paris_today()
    assert f"Le {today.day} {months[today.month - 1]} {today.year}" not in content
    actions = [e.action for e in entries]
    assert {"dsr.answer.propose", "dsr.answer.edit", "dsr.answer.issue", "dsr.document"} <= set(actions)
    for entry in entries:
        assert "Thomas Roux" not in str(entry.details)  # the trail holds no letter text
    with pytest.raises(RuleViolation), org.work() as session:
        answers.edit(session, org.dpo, request.id, view.letter.version, {"body": "Trop tard pour changer."})


def test_issue_refuses_text_to_complete_and_bad_dates(staff_request):
    org, request = staff_request
    letter = _propose(org, request)
    assert still_to_complete(letter.body)
    with pytest.raises(RuleViolation) as todo, org.work() as session:
        answers.issue(session, org.dpo, request.id, letter.version, {"sent_on": paris_today()})
    assert todo.value.key == "answer.error.to_complete"
    letter = _complete(org, letter, request.id)
    for day, key in ((paris_today() + timedelta(days=1), "dsr.error.date_in_future"),
                     (request.received_on - timedelta(days=1), "dsr.error.date_before_receipt")):
        with pytest.raises(InvalidInput) as refused, org.work() as session:
            answers.issue(session, org.dpo, request.id, letter.version, {"sent_on": day})
        assert refused.value.problems[0].key == key
    with org.session() as session:
        assert session.exec(select(func.count()).select_from(EvidenceDocument)
                            .where(EvidenceDocument.kind == answers.KIND_ANSWER)).one() == 0
        assert session.exec(select(AnswerLetter)).one().sent_on is None


def test_refusal_in_english_uses_the_article_12_4_letter(staff_request):
    org, request = staff_request
    with org.session() as session:
        drafted = answers.draft(session, org.dpo, request.id, "refused", "en")
    assert drafted.kind == "refusal"
    assert "judicial remedy" in drafted.text and "[To be completed: reasons for the decision]" in drafted.text


def test_hostile_answer_text_is_refused_or_stored_as_is(staff_request):
    org, request = staff_request
    with pytest.raises(DomainError), org.work() as session:
        answers.propose(session, org.head_hr, request.id, request.version,
                        {"outcome": "granted", "language": "fr", "answer": "Bonjour\x00"})
    with pytest.raises(InvalidInput), org.work() as session:
        answers.propose(session, org.head_hr, request.id, request.version,
                        {"outcome": "granted", "language": "fr", "answer": "x" * 20_001})
    hostile = "=HYPERLINK(\"http://x\") **gras** <script>alert(1)</script> {{ ''.__class__ }} & <Fils>"
    letter = _propose(org, request, text=hostile)
    assert letter.body == hostile  # the answer is text: never rendered as a template again


# ------------------------------------------------------------------ the PDF at maximum lengths


def _words(length: int, marker: str) -> str:
    body = "Texte très long é à ç & <balise> **gras** pour éprouver la mise en page ; "
    return (body * (length // len(body) + 1))[:length - len(marker) - 1].rstrip() + " " + marker


def test_the_signature_never_opens_a_page_without_the_text_it_signs():
    """Whatever the letter's length, the DPO's signature shares its page with the letter's last
    paragraph: a page holding the signature alone could be put behind any text."""
    from io import BytesIO

    from dashboard.i18n import Translator
    from exports.pdf import dsr_answer_letter
    from exports.pdf.dsr_common import Controller, RequestFacts
    from exports.stamp import DocumentStamp
    from models.types import utcnow
    from pypdf import PdfReader

    controller = Controller("Mutuelle Médicis", "Médicis, mutuelle", "24 boulevard de Courcelles, 75017 Paris",
                            "912345678", "Signataire Délégué", "dpo@example.org", "75017 Paris")
    facts = RequestFacts(reference="DSR-2026-0042", requester_name="Thomas Roux", requester_contact="75011 Paris",
                         channel="letter", received_on=paris_today(), rights=("access",),
                         legal_due_on=paris_today(), due_on=paris_today())
    stamp = DocumentStamp(number="DOC-2026-0042", verification_code="ABCD-EFGH-JKMN", issued_at=utcnow(),
                          issued_by="Claire Fontaine", language="fr")
    multi_page = 0
    for count in range(24, 62, 2):  # every position of the page break near the end of the letter
        body = "\n\n".join([f"Paragraphe {n} de la réponse." for n in range(count)] + ["Dernier paragraphe signé."])
        content = dsr_answer_letter.build(Translator("fr"), stamp, controller, facts, "access", body, paris_today())
        pages = [page.extract_text() for page in PdfReader(BytesIO(content)).pages]
        multi_page += len(pages) > 1
        [signed] = [text for text in pages if "Signataire Délégué" in text]
        assert "Dernier paragraphe signé." in signed, count
    assert multi_page  # the sweep did reach a second page


@pytest.mark.parametrize("language", ["fr", "en"])
def test_letter_at_maximum_lengths_is_read_back_and_rendered(language, tmp_path):
    import shutil
    import subprocess

    from dashboard.i18n import Translator
    from exports.pdf import dsr_answer_letter
    from exports.pdf.dsr_common import Controller, RequestFacts
    from exports.stamp import DocumentStamp
    from models.types import utcnow
    from pypdf import PdfReader
    from io import BytesIO
    from tests.conftest import service_missing

    controller = Controller(_words(200, "nomfin"), _words(300, "raisonfin"), _words(500, "adressefin"),
                            "912345678", _words(200, "dpofin"), "d" * 240 + "@example.org", _words(500, "dpoadrfin"))
    facts = RequestFacts(reference="DSR-2026-9999", requester_name=_words(200, "personnefin"),
                         requester_contact=_words(300, "contactfin"), channel="letter", received_on=paris_today(),
                         rights=("access", "erasure"), legal_due_on=paris_today(), due_on=paris_today())
    paragraphs = [_words(4_000, f"paragraphe{i}fin") for i in range(4)]
    unbroken = "https://exemple.fr/" + "a" * 1_500 + "urlfin"
    body = "\n\n".join([*paragraphs, unbroken])
    body = body + "\n\n" + _words(20_000 - len(body) - 2, "lettrefin")
    assert len(body) == 20_000
    stamp = DocumentStamp(number="DOC-2026-9999", verification_code="ABCD-EFGH-JKMN", issued_at=utcnow(),
                          issued_by="Claire Fontaine", language=language)
    content = dsr_answer_letter.build(Translator(language), stamp, controller, facts, "refusal", body,
                                      paris_today())
    reader = PdfReader(BytesIO(content))
    text = pdf_text(content)
    for marker in ("personnefin", "contactfin", "raisonfin", "dpofin", "paragraphe0fin", "paragraphe3fin",
                   "lettrefin", "DSR-2026-9999", "ABCD-EFGH-JKMN", f"{len(reader.pages)}"):
        assert marker in text, marker
    assert "&lt;balise&gt;" not in text and "<balise>" in text  # escaped for reportlab, printed as typed
    assert reader.metadata.title.endswith("DSR-2026-9999")
    subject = {"fr": "Réponse à votre demande relative à vos données personnelles",
               "en": "Answer to your request about your personal data"}[language]
    assert subject in text
    if shutil.which("pdftoppm") is None:
        service_missing("pdftoppm not installed (Debian: apt-get install poppler-utils)")
    source = tmp_path / f"letter_{language}.pdf"
    source.write_bytes(content)
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(source), str(tmp_path / "page")],
                   check=True, capture_output=True, timeout=120)
    pages = list(tmp_path.glob("page*.png"))
    assert pages and pages[0].stat().st_size > 10_000  # a page with text, not a blank one


def test_two_people_issuing_at_the_same_moment_make_one_document(staff_request, monkeypatch):
    """Both read the answer unissued, then both issue: the first wins, the second is refused
    (its document is rolled back with it). PostgreSQL: SQLite serialises the two writers."""
    import threading

    org, request = staff_request
    if org.engine.dialect.name != "postgresql":
        pytest.skip("a true race needs concurrent writers (PostgreSQL)")
    letter = _complete(org, _propose(org, request), request.id)
    barrier = threading.Barrier(2, timeout=30)
    real_check = answers.still_to_complete

    def both_have_read(text):
        barrier.wait()  # each has read the answer as unissued, at the same version
        return real_check(text)

    monkeypatch.setattr(answers, "still_to_complete", both_have_read)
    outcomes = {}

    def issue(name, actor):
        try:
            with org.work() as session:
                outcomes[name] = answers.issue(session, actor, request.id, letter.version,
                                               {"sent_on": paris_today()}).number
        except DomainError as error:
            outcomes[name] = error

    threads = [threading.Thread(target=issue, args=("dpo", org.dpo)),
               threading.Thread(target=issue, args=("legal", org.legal))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    refused = [o for o in outcomes.values() if isinstance(o, ConcurrentEdit)]
    issued = [o for o in outcomes.values() if isinstance(o, str)]
    assert len(refused) == 1 and len(issued) == 1, outcomes
    winner = next(name for name, o in outcomes.items() if isinstance(o, str))
    assert refused[0].params["who"] == {"dpo": org.dpo, "legal": org.legal}[winner].username  # says who won
    with org.session() as session:
        numbers = session.exec(select(EvidenceDocument.number).where(
            EvidenceDocument.kind == answers.KIND_ANSWER)).all()
    assert numbers == issued
