"""DPIA screening criteria suggested from what a register entry holds.

A suggestion is never a decision: the DPO confirms or rejects each one in the
screening (dashboard.dpia.screening), which stores what was suggested and what was
confirmed. The function takes plain facts (`EntryFacts`), built from a register
entry by `facts_from_content`, so that fields the register does not hold yet
(profiling / Art. 22 automated decision, number of people concerned, new technology)
can be passed in when they exist.

Sources for the mapping, criterion by criterion (WP248 rev.01, section III.B.a,
endorsed by the EDPB):

* sensitive_data (criterion 4): special categories of Art. 9, criminal data of
  Art. 10; the NIR (the French national identification number, whose use is framed
  by Art. 87 GDPR and loi n° 78-17 art. 30) is a data "of a highly personal nature";
* vulnerable_people (criterion 7): "children", "employees", "more vulnerable
  segments of the population requiring special protection (... patients, elderly
  ...)" — recognised in the entry's categories of data subjects;
* evaluation_scoring (criterion 1) and automated_decision (criterion 2): profiling
  and automated decisions (Art. 22), from an explicit flag or the purposes' words;
* systematic_monitoring (criterion 3), matching_datasets (criterion 6),
  innovative_technology (criterion 8): words of the purposes and description;
* large_scale (criterion 5): the number of people concerned, when known (WP248
  gives no figure; the threshold below is the CNIL's reading of "large scale" in its
  2018-327 list for location data, used here only as a prompt).

Transfers outside the EEA are not one of the nine criteria (the 2017 draft of WP248
listed them; rev.01 dropped them): they come back as an observation to weigh, not a
criterion.
"""

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from models.dpia_screening import WP248_CRITERIA

LARGE_SCALE_PEOPLE = 5000  # prompt only: the DPO decides

# words (accents folded, lower case) -> criterion; matched as whole-word prefixes
_SUBJECT_WORDS: dict[str, tuple[str, ...]] = {
    "minors": ("mineur", "enfant", "eleve", "collegien", "lyceen", "adolescent", "child", "minor", "pupil",
               "teenager", "moins de 15", "moins de 18", "under 15", "under 18"),
    "employees": ("salarie", "employe", "agent", "collaborateur", "personnel", "stagiaire", "apprenti",
                  "candidat", "employee", "staff", "intern", "applicant"),
    "patients": ("patient", "malade", "personne agee", "personnes agees", "senior", "handicap", "tutelle",
                 "curatelle", "demandeur d'asile", "elderly", "disabled", "asylum"),
}
_PURPOSE_WORDS: dict[str, tuple[str, ...]] = {
    "evaluation_scoring": ("profilage", "profil", "scoring", "score", "notation", "segmentation", "prediction",
                           "predictif", "recommandation", "personnalisation", "profiling", "predict",
                           "recommendation", "personalis", "personaliz"),
    "automated_decision": ("decision automatisee", "decision automatique", "automated decision",
                           "article 22", "art. 22"),
    "systematic_monitoring": ("videosurveillance", "video protection", "videoprotection", "geolocalisation",
                              "surveillance", "enregistrement des sessions", "enregistrement de session",
                              "session recording", "cartes de chaleur", "carte de chaleur", "heatmap", "cctv",
                              "monitoring", "tracking", "suivi comportemental", "traceur"),
    "matching_datasets": ("croisement", "interconnexion", "rapprochement", "enrichissement", "combinaison",
                          "matching", "combining", "enrichment"),
    "innovative_technology": ("intelligence artificielle", "ia", "apprentissage automatique", "machine learning",
                              "biometri", "reconnaissance faciale", "objet connecte", "objets connectes",
                              "artificial intelligence", "ai", "facial recognition", "connected device", "iot"),
}


@dataclass(frozen=True)
class Category:
    name: str
    sensitivity: str = "standard"  # models.register.SENSITIVITIES


@dataclass(frozen=True)
class EntryFacts:
    """What a register entry says that bears on the screening, as plain values."""

    name: str = ""
    description: str = ""
    purposes: tuple[str, ...] = ()
    subject_categories: tuple[str, ...] = ()
    data_categories: tuple[Category, ...] = ()
    transfer_countries: tuple[str, ...] = ()
    # Not held by the register today: None = unknown, so nothing is suggested from it.
    profiling: bool | None = None
    automated_decision: bool | None = None
    people_concerned: int | None = None  # the low end of the range when the register holds a range
    new_technology: bool | None = None


@dataclass(frozen=True)
class Suggestion:
    """A criterion suggested, with why (catalogue key and its parameters)."""

    criterion: str
    reason_key: str
    params: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"criterion": self.criterion, "reason": self.reason_key, "params": dict(self.params)}


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


def _matches(text: str, words: Iterable[str]) -> str | None:
    """The first word found at a word boundary (a prefix of a word; a whole word when
    it has three letters or fewer: "IA" is not "iatrogène"), or None."""
    folded = _fold(text)
    for word in words:
        end = r"(?![a-z0-9])" if len(word) <= 3 else ""
        if re.search(rf"(?<![a-z0-9]){re.escape(word)}{end}", folded):
            return word
    return None


def _short(text: str, limit: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def suggest_criteria(facts: EntryFacts) -> list[Suggestion]:
    """The WP248 criteria the entry suggests, one reason each (the first found), in
    the guidelines' order."""
    found: dict[str, Suggestion] = {}

    def add(criterion: str, reason: str, **params: str) -> None:
        found.setdefault(criterion, Suggestion(criterion, reason, {k: _short(v) for k, v in params.items()}))

    # Criterion 1 and 2: explicit flags first, then the words of purposes and description.
    if facts.profiling:
        add("evaluation_scoring", "dpia.suggest.reason.profiling_flag")
    if facts.automated_decision:
        add("automated_decision", "dpia.suggest.reason.automated_decision_flag")
    texts = ([("name", facts.name)] if facts.name else []) + [("purpose", p) for p in facts.purposes] \
        + ([("description", facts.description)] if facts.description else [])
    for criterion, words in _PURPOSE_WORDS.items():
        if criterion == "automated_decision" and facts.automated_decision is False:
            continue
        if criterion == "evaluation_scoring" and facts.profiling is False:
            continue
        for where, text in texts:
            if _matches(text, words):
                add(criterion, f"dpia.suggest.reason.{criterion}_{where}", text=text)
                break
    # Criterion 4: sensitive data; the reason names Art. 9 data first, then Art. 10, then the NIR.
    for sensitivity in ("art9", "art10", "nir"):
        for category in facts.data_categories:
            if category.sensitivity == sensitivity:
                add("sensitive_data", f"dpia.suggest.reason.{sensitivity}", name=category.name)
    # Criterion 5: scale.
    if facts.people_concerned is not None and facts.people_concerned >= LARGE_SCALE_PEOPLE:
        add("large_scale", "dpia.suggest.reason.large_scale", count=f"{facts.people_concerned:,}".replace(",", " "))
    # Criterion 7: vulnerable people.
    for group in ("minors", "employees", "patients"):
        for name in facts.subject_categories:
            if _matches(name, _SUBJECT_WORDS[group]):
                add("vulnerable_people", f"dpia.suggest.reason.{group}", name=name)
                break
    # Criterion 8: an explicit flag.
    if facts.new_technology:
        add("innovative_technology", "dpia.suggest.reason.new_technology_flag")
    return [found[c] for c in WP248_CRITERIA if c in found]


def observations(facts: EntryFacts) -> list[Suggestion]:
    """Points to weigh that are not WP248 criteria (transfers outside the EEA)."""
    countries = sorted(set(facts.transfer_countries))
    if countries:
        return [Suggestion("", "dpia.suggest.observation.transfers", {"countries": ", ".join(countries)})]
    return []


def facts_from_content(content, *, profiling: bool | None = None, automated_decision: bool | None = None,
                       people_concerned: int | None = None, new_technology: bool | None = None) -> EntryFacts:
    """The facts of a models.register.ActivityContent (duck-typed: any object with
    its attributes), plus what the register does not hold yet."""
    return EntryFacts(
        name=getattr(content, "name", "") or "",
        description=content.description or "",
        purposes=tuple(p.description for p in content.purposes),
        subject_categories=tuple(s.name for s in content.subject_categories),
        data_categories=tuple(Category(c.name, c.sensitivity) for c in content.data_categories),
        transfer_countries=tuple(t.country for t in content.transfers),
        profiling=_first_set(profiling, getattr(content, "profiling", None)),
        # the register's Art. 22 box: ticked is a fact; unticked may only mean "not filled in",
        # so it does not silence what the purposes' words suggest
        automated_decision=_first_set(automated_decision, True if getattr(content, "automated_decisions", False)
                                      else getattr(content, "automated_decision", None)),
        people_concerned=people_concerned if people_concerned is not None else
        PEOPLE_COUNT_LOW_END.get(getattr(content, "people_count", "") or ""),
        new_technology=new_technology,
    )


# The register's ranges of people concerned (models.register.PEOPLE_COUNTS), by their low end.
PEOPLE_COUNT_LOW_END = {"1k_10k": 1_000, "10k_100k": 10_000, "100k_1m": 100_000, "gt_1m": 1_000_000}


def _first_set(*values):
    return next((v for v in values if isinstance(v, bool)), None)


def confirmation(suggested: Sequence[str], confirmed: Sequence[str]) -> dict[str, list[str]]:
    """What the DPO did with the suggestions: confirmed, rejected, and criteria added
    that were not suggested."""
    suggested_set, confirmed_set = set(suggested), set(confirmed)
    order = WP248_CRITERIA.index
    return {"confirmed": sorted(suggested_set & confirmed_set, key=order),
            "rejected": sorted(suggested_set - confirmed_set, key=order),
            "added": sorted(confirmed_set - suggested_set, key=order)}
