"""From another register's record (Madis, the CNIL's model) to a register entry.

A mapping says, for each label of the source, which field of the register it fills
(`TARGETS`); `suggest` proposes one from the label's words, and the DPO may change it.
`draft` applies the mapping to one record and says what the source cannot say and the DPO
must complete before anything is saved (`Need`): the department, the legal basis when the
source has none, the Art. 9 / Art. 10 / NIR condition of each sensitive data category and
where its proof lies, and the event each retention period starts from. `complete` merges
the DPO's answers and returns the entry's data, validated by `ActivityContent` afterwards.
"""

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from models.register import LEGAL_BASES

TARGETS = ("ignore", "name", "description", "purpose", "legal_basis", "subject_categories", "subject_flag",
           "data_categories", "data_category_row", "recipients", "processors", "retention", "security",
           "joint_controllers", "data_sources", "people_count", "medium", "automated_decisions")

# Words of a label (accents and case dropped) -> target; the first rule that matches wins.
_RULES: tuple[tuple[str, str], ...] = (
    (r"commentaire|^historique|^structure|^conformite|^nb preuves|preconisations|observations|registre public"
     r"|exempte d'aipd|^traitement specifique|date de (creation|modification|mise a jour)|^n° / ref|^ref"
     r"|^etat$|en tant que|gestionnaire|coordonnees du responsable"
     r"|moyens de la collecte|logiciels et supports|^justification de la base"
     r"|mise a jour de la fiche|^date|donnees personnelles concernees|sont-elles traitees|conservation - nom$"
     r"|sort final|^acteurs$|^responsable du traitement|^delegue", "ignore"),
    (r"nombre de personnes", "people_count"),
    (r"origine des donnees|sources? des donnees", "data_sources"),
    (r"traitement papier", "medium"),
    (r"decisions? automatisees?|profilage", "automated_decisions"),
    (r"personnes concernees - ", "subject_flag"),
    (r"mesures de securite.* - |^controle d'acces|^tracabilite|^mesures de tracabilite|^sauvegarde"
     r"|^chiffrement|^mesures de protection|^controle des sous-traitants|^autres mesures|^mise a jour",
     "security"),
    (r"^nom$|^nom / sigle|^nom/sigle|^nom du traitement|^nom de l'activite|^intitule|^activite$|^name$", "name"),
    (r"sous-finalite|finalite|^goal", "purpose"),
    (r"base legale|base juridique|fondement juridique|licéite|liceite", "legal_basis"),
    (r"personnes concernees|categories? de personnes", "subject_categories"),
    (r"sous-traitant", "processors"),
    (r"destinataire", "recipients"),
    (r"^categories? de donnees|^categorie des donnees|^donnees traitees|^autres categories", "data_categories"),
    (r"^etat[- ]civil|^vie personnelle|^vie professionnelle|^informations d'ordre economique|^donnees de connexion"
     r"|^donnees de localisation|^donnees revelant|^donnees genetiques|^donnees biometriques"
     r"|^donnees concernant|^donnees relatives a des condamnations|^numero d'identification|^nir",
     "data_category_row"),
    (r"duree de conservation|delai de conservation|delais? d'effacement|^duree$|duree$", "retention"),
    (r"responsables? conjoints?|co-?responsables?", "joint_controllers"),
    (r"^description|^objet", "description"),
)

# Words of a category name -> its sensitivity (Art. 9(1), Art. 10, NIR); Madis flags the
# same ones "sensible" (fixtures/2-registry-0-treatmentDataCategory.yaml).
_SENSITIVE: tuple[tuple[str, str], ...] = (
    (r"condamnation|infraction|penal|casier", "art10"),
    (r"securite sociale|\bnir\b|numero d'identification national", "nir"),
    (r"sante|genetique|biometrique|origine raciale|ethnique|opinion|politique|religi|philosophique|syndical"
     r"|vie sexuelle|orientation sexuelle", "art9"),
)

_YES = {"oui", "yes", "x", "vrai", "true", "1", "actif"}
_NO = {"non", "no", "faux", "false", "0", "inactif", "-", "n/a", "na", "aucun", "aucune", "sans objet"}

_SECURITY_CATEGORY: tuple[tuple[str, str], ...] = (
    (r"acces", "access_control"), (r"tracabilite", "traceability"), (r"sauvegarde", "backup"),
    (r"chiffrement", "encryption"), (r"mise a jour|logiciel", "software_protection"),
    (r"sous-traitant", "processor_control"), (r"physique|locaux", "physical"),
    (r"habilit|sensibilisation|procedure|comptes", "organisational"),
)

# How sources write a legal basis (Madis's TreatmentLegalBasisDictionary, the CNIL's words).
_BASES: tuple[tuple[str, str], ...] = (
    (r"consentement|consent", "consent"), (r"contrat|contract", "contract"),
    (r"obligation legale|legal obligation", "legal_obligation"), (r"interet vital|vital", "vital_interests"),
    (r"mission d'interet public|interet public|autorite publique|public task", "public_task"),
    (r"interet legitime|legitimate", "legitimate_interests"),
)

_UNITS = {"jour": "days", "jours": "days", "j": "days", "mois": "months", "an": "years", "ans": "years",
          "annee": "years", "annees": "years", "day": "days", "days": "days", "month": "months",
          "months": "months", "year": "years", "years": "years"}
_DURATION = re.compile(r"(\d{1,4})\s*(jours?|j|mois|ans?|annees?|days?|months?|years?)\b")


def normalise(text: str) -> str:
    """A label as compared: no accents, lower case, one space, typographic quotes plain."""
    text = unicodedata.normalize("NFKD", text.replace("’", "'").replace("\u00a0", " "))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.casefold().split())


def _match(rules: Iterable[tuple[str, str]], text: str) -> str | None:
    wanted = normalise(text)
    return next((target for pattern, target in rules if re.search(pattern, wanted)), None)


def suggest(labels: Iterable[str]) -> dict[str, str]:
    """A target for every label, from its words ("ignore" when none fits)."""
    return {label: _match(_RULES, label) or "ignore" for label in labels}


def sensitivity(name: str) -> str:
    return _match(_SENSITIVE, name) or "standard"


def legal_basis(text: str) -> str:
    return _match(_BASES, text) or ""


def is_yes(value: str) -> bool:
    return normalise(value) in _YES


def is_no(value: str) -> bool:
    return normalise(value) in _NO


def duration(text: str) -> tuple[int, str] | None:
    """"5 ans", "3 mois après...", "1: 6 months" -> (5, "years")."""
    found = _DURATION.search(normalise(text))
    if not found:
        return None
    return int(found.group(1)), _UNITS[found.group(2)]


def _split(value: str) -> list[str]:
    """A cell listing several items: one per line, or separated by " - " (Madis) or ";"."""
    parts = re.split(r"\r?\n|\s+-\s+|;", value)
    items = []
    for part in parts:
        part = re.sub(r"^\s*\d+\s*:\s*", "", part).strip(" ,.")  # Madis numbers its lines "1: ..."
        if part and not is_no(part) and part not in items:
            items.append(part)
    return items


def _last_segment(label: str) -> str:
    return label.rsplit(" - ", 1)[-1].strip()


# ------------------------------------------------------------------ drafts


@dataclass(frozen=True)
class Need:
    """Something the DPO completes before saving: kind "department", "legal_basis",
    "condition" (with the category's name) or "start_event" (with the rule's number)."""

    kind: str
    subject: str = ""


@dataclass
class Draft:
    origin: str
    name: str
    data: dict  # ActivityContent's fields but department_id
    needs: list[Need] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)  # labels mapped to "ignore" that held a value


_NUMBER = re.compile(r"\d[\d\s.\u202f\u00a0]*")
_PEOPLE_BOUNDS = ((1_000, "lt_1k"), (10_000, "1k_10k"), (100_000, "10k_100k"), (1_000_000, "100k_1m"))


def people_count(text: str) -> str:
    """A number of people as the register's range ("12 000" -> "10k_100k"; "moins de 1 000" ->
    "lt_1k"); "" when the text holds no number."""
    numbers = [int(re.sub(r"\D", "", n)) for n in _NUMBER.findall(text) if re.sub(r"\D", "", n)]
    if not numbers:
        return ""
    count = max(numbers)
    if re.search(r"moins|less|fewer|<", normalise(text)):
        count -= 1
    return next((code for bound, code in _PEOPLE_BOUNDS if count < bound), "gt_1m")


def draft(origin: str, fields: Iterable[tuple[str, str]], mapping: Mapping[str, str]) -> Draft:
    data: dict = {"name": "", "description": "", "joint_controllers": "", "purposes": [], "subject_categories": [],
                  "data_categories": [], "recipients": [], "transfers": [], "retention_rules": [],
                  "security_measures": [], "consent_records": "", "withdrawal_propagation": ""}
    basis, left_out, descriptions = "", [], []
    categories: dict[str, dict] = {}

    def add_category(name: str) -> None:
        name = name[:200]
        if len(name) >= 2 and name not in categories:
            categories[name] = {"name": name, "sensitivity": sensitivity(name)}

    def add_rule(text: str, category: str = "") -> None:
        found = duration(text)
        rule = {"category": category, "duration": found[0] if found else 0,
                "unit": found[1] if found else "years", "start_event": "", "end_action": "delete",
                "justification": text[:500] if not found else ""}
        data["retention_rules"].append(rule)

    for label, value in fields:
        target = mapping.get(label, "ignore")
        value = value.strip()
        if not value:
            continue
        if target == "ignore":
            left_out.append(label)
        elif target == "name":
            data["name"] = data["name"] or " ".join(value.split())[:300]
        elif target == "description":
            descriptions.append(value)
        elif target == "joint_controllers":
            data["joint_controllers"] = " ".join(value.split())[:500]
        elif target == "data_sources":
            data["data_sources"] = "\n".join(p for p in (data.get("data_sources", ""), value) if p)[:1000]
        elif target == "people_count":
            data["people_count"] = people_count(value) or data.get("people_count", "")
        elif target == "medium":  # Madis: "Traitement papier" active or not, beside its software
            if is_yes(value) or is_no(value):
                data["medium"] = "both" if is_yes(value) else "electronic"
        elif target == "automated_decisions":
            if not is_no(value):
                data["automated_decisions"] = True
                if not is_yes(value):
                    data["automated_decisions_detail"] = " ".join(value.split())[:1000]
        elif target == "purpose":
            for line in _split(value) if "\n" in value else [" ".join(value.split())]:
                if len(line) >= 3:
                    data["purposes"].append({"description": line[:500]})
        elif target == "legal_basis":
            basis = basis or legal_basis(value)
        elif target == "subject_categories":
            for item in _split(value):
                data["subject_categories"].append({"name": item[:200]})
        elif target == "subject_flag":
            if is_yes(value) and len(_last_segment(label)) >= 2:
                data["subject_categories"].append({"name": _last_segment(label)[:200]})
        elif target == "data_categories":
            for item in _split(value):
                add_category(item)
        elif target == "data_category_row":
            if not is_no(value.split("\n", 1)[0]):
                add_category(label)
                lines = value.split("\n")
                if len(lines) > 1 and duration(lines[-1]):
                    add_rule(lines[-1], category=label[:200])
        elif target in ("recipients", "processors"):
            for item in _split(value):
                data["recipients"].append({"name": item[:300],
                                           "kind": "processor" if target == "processors" else "internal"})
        elif target == "retention":
            for line in (_split(value) if "\n" in value else [value]):
                add_rule(line)
        elif target == "security":
            if is_no(value):
                continue
            text = _last_segment(label) if is_yes(value) else " ".join(value.split())
            data["security_measures"].append({"category": _match(_SECURITY_CATEGORY, label) or "other",
                                              "description": text[:1000]})
    data["description"] = "\n".join(descriptions)[:2000]
    data["data_categories"] = list(categories.values())
    for purpose in data["purposes"]:
        purpose["legal_basis"] = basis
    data["subject_categories"] = [dict(t) for t in {tuple(c.items()): None for c in data["subject_categories"]}]
    result = Draft(origin, data["name"], data, left_out=left_out)
    result.needs.append(Need("department"))
    if data["purposes"] and not basis:
        result.needs.append(Need("legal_basis"))
    for category in data["data_categories"]:
        if category["sensitivity"] != "standard":
            result.needs.append(Need("condition", category["name"]))
    for number, rule in enumerate(data["retention_rules"], start=1):
        result.needs.append(Need("start_event", str(number)))
        if not rule["duration"]:
            result.needs.append(Need("duration", str(number)))
    return result


def complete(found: Draft, answers: Mapping[str, object]) -> tuple[dict, list[Need]]:
    """The entry's data with the DPO's answers merged in, and the needs still unanswered.

    `answers`: {"department_id": int, "legal_basis": code, "conditions": {category: (condition,
    proof location)}, "start_events": {rule number: text}, "durations": {rule number: (n, unit)}}."""
    data = {**found.data, "purposes": [dict(p) for p in found.data["purposes"]],
            "data_categories": [dict(c) for c in found.data["data_categories"]],
            "retention_rules": [dict(r) for r in found.data["retention_rules"]]}
    missing: list[Need] = []
    department = answers.get("department_id")
    if not department:
        missing.append(Need("department"))
    data["department_id"] = department or 0
    basis = answers.get("legal_basis") or ""
    for purpose in data["purposes"]:
        if not purpose["legal_basis"]:
            if basis in LEGAL_BASES:
                purpose["legal_basis"] = basis
            elif Need("legal_basis") not in missing:
                missing.append(Need("legal_basis"))
    conditions = answers.get("conditions") or {}
    for category in data["data_categories"]:
        if category["sensitivity"] == "standard":
            continue
        condition, proof = conditions.get(category["name"], ("", ""))
        if not condition or not str(proof).strip():
            missing.append(Need("condition", category["name"]))
        category["condition"], category["proof_location"] = condition or "", str(proof or "").strip()
    events = answers.get("start_events") or {}
    durations = answers.get("durations") or {}
    for number, rule in enumerate(data["retention_rules"], start=1):
        event = str(events.get(str(number), "")).strip()
        if len(event) < 3:
            missing.append(Need("start_event", str(number)))
        rule["start_event"] = event
        if not rule["duration"]:
            given = durations.get(str(number))
            if given and given[0]:
                rule["duration"], rule["unit"] = given
            else:
                missing.append(Need("duration", str(number)))
    return data, missing
