"""The attachments section and the person search page with AppTest: each role its
view, messages in the user's language, the search's reason carried to the case."""

from dashboard import attachments
from dashboard.demo import dsr as demo_dsr
from tests.attachments.files import CSV
from tests.dsr.conftest import make_request
from tests.page_support import app_as, form_key, page_path

WHY = "Vérifier les demandes antérieures de la personne"


def _page(org, username, file, **query):
    at = app_as(org, username)
    at.query_params.update(query)
    return at.switch_page(page_path(file)).run()


def _shown(at) -> str:
    return " ".join([m.value for m in at.main.markdown] + [c.value for c in at.main.caption]
                    + [e.value for e in at.main.error] + [s.value for s in at.main.success]
                    + [i.value for i in at.main.info] + [h.value for h in at.main.subheader])


def _with_attachment(org):
    with org.work() as session:
        demo_dsr.seed_routing(session)
    request = make_request(org, requester_name="Jeanne Morel")
    with org.work() as session:
        row = attachments.upload(session, org.dpo, "dsr", request.id, filename="extraction_[Morel]_#1.csv",
                                 content=CSV, kind="data_extract", description="**Envoyée** le 2 décembre")
    return request, row


def test_the_section_lists_the_files_literally_and_offers_upload_to_writers_only(app_org):
    request, row = _with_attachment(app_org)
    at = _page(app_org, "dpo", "dsr_case.py", id=str(request.id))
    assert not at.exception
    shown = _shown(at)
    assert "Pièces jointes" in shown and "Extraction de données envoyée" in shown
    assert "**extraction_[Morel]_#1.csv**" in shown.replace("\\", "")  # shown literally (escaped markdown)
    assert form_key(at, "att_dsr/file").endswith("__file")  # the upload form is there
    table, = [df.value for df in at.dataframe if "Fichier" in df.value.columns]
    assert list(table["Fichier"]) == [row.filename] and list(table["Description"]) == ["**Envoyée** le 2 décembre"]
    assert list(table["SHA-256 (début)"]) == [row.sha256[:12]]

    # the auditor first states a reason for the request, then sees the section read-only
    auditor = _page(app_org, "auditeur", "dsr_case.py", id=str(request.id))
    auditor.text_input(key="dsr_reason_input").input("Audit annuel des demandes")
    auditor.button(key="FormSubmitter:dsr_reason-Afficher le dossier").click().run()
    assert "Lecture seule : vous ne pouvez pas ajouter de pièce à ce dossier." in _shown(auditor)
    try:
        form_key(auditor, "att_dsr/file")
    except KeyError:
        pass  # no upload form for the auditor
    else:
        raise AssertionError("the auditor was offered the upload form")


def test_verify_shows_the_outcome_in_words(app_org):
    request, row = _with_attachment(app_org)
    at = _page(app_org, "dpo", "dsr_case.py", id=str(request.id))
    at.button(key=f"att_dsr_{request.id}_{row.id}_verify").click().run()
    assert "est intact" in _shown(at) and not at.exception


def test_person_search_page_needs_a_reason_and_links_to_the_case_with_it(app_org):
    request, _ = _with_attachment(app_org)
    at = _page(app_org, "juriste", "person_search.py")
    at.text_input(key="person_search_query").input("JEANNE morel")
    at.button(key="FormSubmitter:person_search-Rechercher").click().run()
    assert [e.value for e in at.error] == ["Indiquez le motif de la recherche : il est journalisé avec elle."]
    at.text_input(key="person_search_reason").input(WHY)
    at.button(key="FormSubmitter:person_search-Rechercher").click().run()
    shown = _shown(at)
    assert request.reference in shown and "1 dossier(s) trouvé(s)." in shown
    assert "Morel" not in shown and "jeanne.morel" not in shown  # the result carries no personal data
    assert at.session_state[f"dsr_reason_{request.id}"] == WHY


def test_person_search_page_refuses_a_department_head(app_org):
    at = app_as(app_org, "chef.relation")
    try:
        at.switch_page(page_path("person_search.py")).run()
    except ValueError:
        return  # not in the head's navigation at all
    assert "person_search" not in _shown(at) and at.error


def test_downloading_a_destroyed_attachment_says_when_and_under_which_rule(app_org):
    """The retention job destroyed the request's key: the file is named, its download says it
    was destroyed (the registry's message), no traceback."""
    from dashboard import own_retention
    from tests.test_own_retention import ENDS, _close

    request, row = _with_attachment(app_org)
    _close(app_org, "dsr_request", request.id)
    assert own_retention.run_own_retention(app_org.engine, ENDS).count == 1
    at = _page(app_org, "dpo", "dsr_case.py", id=str(request.id))
    at.button(key=f"att_dsr_{request.id}_{row.id}_fetch").click().run()
    assert not at.exception
    assert any("a été détruit le 31/03/2026" in e.value for e in at.main.error), _shown(at)
    assert not [b for b in at.get("download_button")]  # nothing to save
