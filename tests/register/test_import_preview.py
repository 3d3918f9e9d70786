"""A register import shows what it will change before anything is saved, applies exactly
that once confirmed, and never lets an older export overwrite newer work (issue 13,
item 6). The register's own rule holds for imported changes: a change by anyone but the
DPO sends a validated entry back to draft (Art. 30: the DPO answers for the record)."""

import pytest

from dashboard import db, register, register_io
from models.processing import ProcessingActivity
from tests.register.factories import complete, create


def _call(org, fn, *args, **kwargs):
    with db.unit_of_work(org.engine) as session:
        return fn(session, *args, **kwargs)


def _export(org) -> str:
    return _call(org, register_io.export_register, org.dpo, "csv").data.decode("utf-8-sig")


def _state(org, activity_id):
    with org.session() as session:
        activity = session.get(ProcessingActivity, activity_id)
        return activity.version, activity.status, register.load_content(session, activity).name


def _preview(org, actor, text):
    return _call(org, register_io.preview_register_import, actor, "r.csv", text.encode("utf-8-sig"))


def test_the_preview_lists_each_change_and_saves_nothing_until_confirmed(org):
    entry = create(org, org.dpo)
    other = create(org, org.dpo, name="Recouvrement")
    edited = _export(org).replace("Gestion des adhérents", "Gestion des membres")
    before = _state(org, entry.id)
    preview = _preview(org, org.legal, edited)
    assert _state(org, entry.id) == before  # nothing saved by the preview
    changed = {e.reference: e for e in preview.entries}
    assert changed[entry.reference].action == "update"
    assert register_io.FieldChange("name", "Gestion des adhérents", "Gestion des membres") in \
        changed[entry.reference].changes
    assert changed[other.reference].action == "unchanged"
    assert preview.result == register_io.ImportResult(0, 1, 1)
    result = _call(org, register_io.import_register, org.legal, "r.csv", edited.encode("utf-8-sig"),
                   confirm=preview.token)
    assert result == preview.result
    assert _state(org, entry.id)[2] == "Gestion des membres"


def test_an_older_export_cannot_overwrite_a_newer_change(org):
    entry = create(org, org.dpo)
    old_export = _export(org)
    with org.work() as session:  # someone saves the entry after the export
        register.update_activity(session, org.legal, entry.id, entry.version,
                                 complete(org.departments["DRC"].id, description="Nouvelle description"))
    stale = old_export.replace("Gestion des adhérents", "Gestion des membres")
    with pytest.raises(register_io.ImportRejected) as refused:
        _preview(org, org.dpo, stale)
    assert [(p.line, p.column, p.key, p.params) for p in refused.value.problems] == [
        (2, "Version", "register.import.changed_since_export", {"value": entry.reference})]
    with pytest.raises(register_io.ImportRejected):  # nor by skipping the preview
        _call(org, register_io.import_register, org.dpo, "r.csv", stale.encode("utf-8-sig"), confirm="x")
    with org.session() as session:
        content = register.load_content(session, session.get(ProcessingActivity, entry.id))
    assert (content.name, content.description) == ("Gestion des adhérents", "Nouvelle description")


def test_a_change_saved_between_preview_and_confirmation_wins(org):
    entry = create(org, org.dpo)
    edited = _export(org).replace("Gestion des adhérents", "Gestion des membres")
    preview = _preview(org, org.dpo, edited)
    with org.work() as session:
        register.update_activity(session, org.legal, entry.id, entry.version,
                                 complete(org.departments["DRC"].id, name="Adhérents (revu)"))
    with pytest.raises(register_io.ImportRejected) as refused:
        _call(org, register_io.import_register, org.dpo, "r.csv", edited.encode("utf-8-sig"), confirm=preview.token)
    assert [p.key for p in refused.value.problems] == ["register.import.changed_since_export"]
    assert _state(org, entry.id)[2] == "Adhérents (revu)"


def test_a_wrong_token_saves_nothing(org):
    entry = create(org, org.dpo)
    edited = _export(org).replace("Gestion des adhérents", "Gestion des membres")
    with pytest.raises(register_io.PreviewOutdated):
        _call(org, register_io.import_register, org.dpo, "r.csv", edited.encode("utf-8-sig"), confirm="0" * 64)
    assert _state(org, entry.id)[2] == "Gestion des adhérents"


@pytest.mark.parametrize(("who", "status_after"), [("legal", "draft"), ("dpo", "validated")])
def test_an_imported_change_to_a_validated_entry_says_what_becomes_of_its_validation(org, who, status_after):
    """A change by legal sends the validated entry back to draft; the DPO's keeps it
    validated in the DPO's name. The preview says which, before anything is saved."""
    entry = create(org, org.dpo)
    with org.work() as session:
        register.validate_activity(session, org.dpo, entry.id, entry.version)
    actor = getattr(org, who)
    edited = _export(org).replace("Gestion des adhérents", "Gestion des membres")
    preview = _preview(org, actor, edited)
    status = next(c for c in preview.entries[0].changes if c.column == "status")
    assert status.before == "Validée"
    assert status.after.startswith("Projet" if status_after == "draft" else "Validée — revalidée en votre nom")
    _call(org, register_io.import_register, actor, "r.csv", edited.encode("utf-8-sig"), confirm=preview.token)
    assert _state(org, entry.id)[1] == status_after


def test_a_row_updating_an_entry_needs_the_exported_version(org):
    entry = create(org, org.dpo)
    data = f"Référence;Entité;Direction;Nom du traitement\r\n{entry.reference};MEDICIS;DRC;Autre nom\r\n"
    with pytest.raises(register_io.ImportRejected) as refused:
        _preview(org, org.dpo, data)
    assert [p.key for p in refused.value.problems] == ["register.import.version_missing"]
