"""Transfers of personal data outside the EEA (GDPR Chapter V) as data and rules.

One rule for the whole application (issue 15, rule 4): the processor module (where data
is processed and stored) and the record of processing activities (Art. 30(1)(e)) both
ask `adequacy_problem` whether "adequacy decision" covers a country and a recipient, and
both use EEA_MEMBERS to tell a transfer from a recipient inside the EEA.

Country codes are ISO 3166-1 alpha-2, checked against the ISO list shipped by the
pinned `pycountry` package (which also gives the French names). EU and EEA
membership and the Commission's adequacy decisions are kept here as data, each with
its source, and must be updated when they change.
"""

import gettext
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import pycountry

# Member States of the European Union (Treaty on European Union, Art. 52(1), as amended
# by the Acts of Accession; the United Kingdom left on 31 January 2020).
EU_MEMBERS = frozenset({
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IT", "LT",
    "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
})
# The EEA adds Iceland, Liechtenstein and Norway (EEA Agreement, OJ L 1, 3.1.1994, p. 3;
# the GDPR applies there by EEA Joint Committee Decision No 154/2018).
EEA_MEMBERS = EU_MEMBERS | {"IS", "LI", "NO"}
MEMBERSHIP_SOURCE = ("TUE art. 52 ; Accord EEE (JO L 1 du 3.1.1994) et décision du Comité mixte de l'EEE "
                     "n° 154/2018")


@dataclass(frozen=True)
class Adequacy:
    decision: str  # the Commission decision, as cited in the Official Journal
    adopted: date
    scope: str = ""  # empty: the whole country; otherwise the recipients it covers (partial adequacy)


# Countries with a current adequacy decision under GDPR Art. 45(3) (or Directive 95/46/EC,
# Art. 25(6), kept in force by GDPR Art. 45(9)). Source: European Commission, "Adequacy
# decisions" (commission.europa.eu), checked on ADEQUACY_CHECKED_ON.
ADEQUACY_CHECKED_ON = date(2026, 11, 23)
ADEQUACY: dict[str, Adequacy] = {
    "AD": Adequacy("Décision 2010/625/UE", date(2010, 10, 19)),
    "AR": Adequacy("Décision 2003/490/CE", date(2003, 6, 30)),
    "BR": Adequacy("Décision d'exécution (UE) 2026/179", date(2026, 1, 26)),
    "CA": Adequacy("Décision 2002/2/CE", date(2001, 12, 20),
                   scope="organisations commerciales soumises à la loi PIPEDA"),
    "CH": Adequacy("Décision 2000/518/CE", date(2000, 7, 26)),
    "FO": Adequacy("Décision 2010/146/UE", date(2010, 3, 5)),
    "GB": Adequacy("Décision d'exécution (UE) 2021/1772, renouvelée le 19 décembre 2025", date(2025, 12, 19)),
    "GG": Adequacy("Décision 2003/821/CE", date(2003, 11, 21)),
    "IL": Adequacy("Décision 2011/61/UE", date(2011, 1, 31)),
    "IM": Adequacy("Décision 2004/411/CE", date(2004, 4, 28)),
    "JE": Adequacy("Décision 2008/393/CE", date(2008, 5, 8)),
    "JP": Adequacy("Décision d'exécution (UE) 2019/419", date(2019, 1, 23),
                   scope="organismes du secteur privé soumis à l'APPI"),
    "KR": Adequacy("Décision d'exécution (UE) 2022/254", date(2021, 12, 17)),
    "NZ": Adequacy("Décision d'exécution 2013/65/UE", date(2012, 12, 19)),
    "US": Adequacy("Décision d'exécution (UE) 2023/1795 (EU-US Data Privacy Framework)", date(2023, 7, 10),
                   scope="organisations certifiées au Data Privacy Framework"),
    "UY": Adequacy("Décision d'exécution 2012/484/UE", date(2012, 8, 21)),
}

TRANSFER_TOOLS = ("adequacy", "scc", "bcr", "derogation")
# Standard contractual clauses, Commission Implementing Decision (EU) 2021/914 of 4 June 2021.
SCC_MODULES = (1, 2, 3, 4)  # controller→controller, controller→processor, processor→processor, processor→controller
# Art. 49(1)(a)-(g), and the compelling-legitimate-interests case of its second subparagraph.
DEROGATIONS = ("a", "b", "c", "d", "e", "f", "g", "compelling")


def is_country(code: str) -> bool:
    return isinstance(code, str) and len(code) == 2 and pycountry.countries.get(alpha_2=code.upper()) is not None


@lru_cache(maxsize=4)
def _names(language: str) -> gettext.NullTranslations:
    if language == "en":
        return gettext.NullTranslations()
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language], fallback=True)


def country_name(code: str, language: str = "fr") -> str:
    country = pycountry.countries.get(alpha_2=code.upper()) if code else None
    if country is None:
        return code
    name = getattr(country, "common_name", None) or country.name
    return _names(language).gettext(name)


def country_choices(language: str = "fr") -> list[tuple[str, str]]:
    """(code, name) for every ISO 3166-1 country, sorted by name in that language."""
    return sorted(((c.alpha_2, country_name(c.alpha_2, language)) for c in pycountry.countries),
                  key=lambda item: item[1])


def in_eea(code: str) -> bool:
    return code.upper() in EEA_MEMBERS


def in_eu(code: str) -> bool:
    return code.upper() in EU_MEMBERS


def adequacy_for(code: str) -> Adequacy | None:
    return ADEQUACY.get(code.upper())


def adequacy_problem(country: str, note: str = "") -> str | None:
    """Whether an adequacy decision (GDPR Art. 45(1)) covers a transfer to `country`, as a
    catalogue key (None: covered). A country absent from ADEQUACY has no decision. A partial
    decision covers some recipients only — in the United States, the organisations that
    self-certified under the EU-US Data Privacy Framework (Implementing Decision (EU)
    2023/1795, Art. 1); in Canada, those subject to PIPEDA; in Japan, the private sector
    under the APPI. DPO Desk cannot check the Department of Commerce's DPF list: it asks the
    user to state why the recipient is covered (e.g. "certified under the DPF, list
    checked on …"); the statement is kept with the record, and the audit trail says who
    made it."""
    decision = adequacy_for(country)
    if decision is None:
        return "processor.error.no_adequacy"
    if decision.scope and not note.strip():
        return "processor.error.adequacy_scope_note"
    return None


def transfer_problem(country: str, tool: str, scc_module: int | None = None, derogation: str = "",
                     note: str = "") -> str | None:
    """Why a processing or storage location is not lawfully covered, as a catalogue key;
    None when it is. Inside the EEA no tool is needed (GDPR Art. 44 applies to
    transfers to third countries)."""
    if not is_country(country):
        return "processor.error.country_unknown"
    if in_eea(country):
        return None
    if tool not in TRANSFER_TOOLS:
        return "processor.error.transfer_tool_missing"
    if tool == "adequacy":
        problem = adequacy_problem(country, note)
        if problem:
            return problem
    if tool == "scc" and scc_module not in SCC_MODULES:
        return "processor.error.scc_module"
    if tool == "bcr" and not note.strip():
        return "processor.error.bcr_reference"
    if tool == "derogation" and derogation not in DEROGATIONS:
        return "processor.error.derogation"
    return None
