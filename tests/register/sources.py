"""Files of other registers, built the way their software writes them.

* `madis_csv`: Madis's "Traitements" CSV export, header for header as
  `src/Domain/Reporting/Generator/Csv/TreatmentGenerator.php` writes it with the French
  translations (translations/messages.fr.yaml and the domain translation files): UTF-8 with a
  BOM, ";" separated, lists joined with " - ", retention lines numbered "1: ...".
* `cnil_model`: the CNIL's model register — a tutorial sheet, the organisation's sheet with
  its list of activities, then one "fiche" per activity laid out as a form (label, value),
  as .ods (written by pandas' odf engine) or .xlsx. Reconstructed from the CNIL's published
  description of the model; the original file could not be fetched.
"""

from io import BytesIO

import pandas as pd

MADIS_HEADER = [
    "Nom", "Structure - Nom", "Structure - SIREN", "Structure - Code INSEE", "En tant que",
    "Coordonnées du responsable de traitement", "Finalités", "Gestionnaire", "État", "Base légale",
    "Justification de la base légale", "Observations", "Registre public", "Est exempté d'AIPD", "Préconisations",
    "Catégorie de données", "Catégorie des données - Autres catégories",
    "Destination - Catégorie de destinataires", "Destination - Sous-traitants",
    "Historique - Créé par", "Historique - Date de création", "Historique - Date de modification",
    *[f"Détails - Personnes concernées - {who}{suffix}" for who in (
        "Particuliers", "Internautes", "Salariés", "Élus", "Professionnels", "Partenaires", "Usagers", "Autres")
      for suffix in ("", " - Commentaire")],
    "Détails - Nombre de personnes concernées", "Détails - Logiciels et supports", "Détails - Traitement papier",
    "Détails - Délai de conservation - Durée", "Détails - Délai de conservation - Nom",
    "Détails - Délai de conservation - Sort final", "Détails - Origine des données", "Détails - Moyens de la collecte",
    *[f"Mesures de sécurité et confidentialité - {m}{suffix}" for m in (
        "Contrôle d'accès", "Traçabilité", "Sauvegarde", "Mise à jour", "Autres") for suffix in ("", " - Commentaire")],
    "Mesures de sécurité et confidentialité - À tout moment il est possible de ressortir les personnes habilitées",
    "Mesures de sécurité et confidentialité - La personne ou la procédure qui permet d’ouvrir des comptes est "
    "clairement identifiée",
    "Mesures de sécurité et confidentialité - Les spécificités de sensibilisation liées à ce traitement sont délivrées",
    *[f"Traitement spécifique - {s}" for s in (
        "Surveillance systématique", "Collecte à large échelle", "Personnes vulnérables", "Croisement de données",
        "Évaluation ou notation", "Décisions automatisées avec effet", "Exclusion automatique d'un service",
        "Usage innovant")],
    "Nb Preuves", "Conformité du traitement", "Conformité du traitement - Date création",
    "Conformité du traitement - Date modification",
]


def _madis_row(name: str, goal: str, basis: str, categories: str, recipients: str, contractors: str,
               people: dict[str, str], duration: str, security: dict[str, str]) -> list[str]:
    row = dict.fromkeys(MADIS_HEADER, "")
    row.update({"Nom": name, "Structure - Nom": "Mutuelle Médicis", "Structure - SIREN": "775685399",
                "En tant que": "Responsable de traitement", "Finalités": goal, "État": "Actif", "Base légale": basis,
                "Registre public": "Non", "Est exempté d'AIPD": "Non", "Catégorie de données": categories,
                "Destination - Catégorie de destinataires": recipients, "Destination - Sous-traitants": contractors,
                "Historique - Créé par": "Claire Fontaine", "Historique - Date de création": "14/03/2024 10:12",
                "Détails - Traitement papier": "Inactif", "Détails - Délai de conservation - Durée": duration,
                "Détails - Délai de conservation - Nom": "1: Dossier\r\n",
                "Détails - Délai de conservation - Sort final": "1: Destruction\r\n", "Nb Preuves": "0",
                "Conformité du traitement": "Non effectuée"})
    for who in ("Particuliers", "Internautes", "Salariés", "Élus", "Professionnels", "Partenaires", "Usagers",
                "Autres"):
        row[f"Détails - Personnes concernées - {who}"] = people.get(who, "Non")
    for measure in ("Contrôle d'accès", "Traçabilité", "Sauvegarde", "Mise à jour", "Autres"):
        row[f"Mesures de sécurité et confidentialité - {measure}"] = "Oui" if measure in security else "Non"
        row[f"Mesures de sécurité et confidentialité - {measure} - Commentaire"] = security.get(measure, "")
    return [row[h] for h in MADIS_HEADER]


MADIS_ACTIVITIES = [
    _madis_row("Remboursement des soins", "Rembourser les frais de santé des adhérents", "L'exécution d'un contrat",
               "Coordonnées postales - Information bancaire - Santé - Numéro de Sécurité Sociale",
               "Service prestations", "Cegedim Santé", {"Particuliers": "Oui"}, "1: 5 ans \r\n",
               {"Contrôle d'accès": "Habilitations par profil", "Sauvegarde": "Quotidienne, chiffrée"}),
    _madis_row("Gestion des adhésions", "Enregistrer et gérer les contrats des adhérents", "L'exécution d'un contrat",
               "Coordonnées postales - Coordonnées téléphoniques - Emails - Situation familiale",
               "Service adhésions", "", {"Particuliers": "Oui", "Professionnels": "Oui"}, "1: 10 ans \r\n",
               {"Traçabilité": "Journalisation des accès"}),
]


def madis_csv(rows: list[list[str]] | None = None) -> bytes:
    """As Madis writes it: BOM, ";" and PHP's fputcsv quoting."""
    lines = []
    for row in [MADIS_HEADER, *(rows if rows is not None else MADIS_ACTIVITIES)]:
        cells = []
        for cell in row:
            if any(c in cell for c in ';"\r\n '):
                cell = '"' + cell.replace('"', '""') + '"'
            cells.append(cell)
        lines.append(";".join(cells))
    return ("\ufeff" + "\n".join(lines) + "\n").encode("utf-8")


def _fiche(reference: str, name: str, purpose: str, sub_purposes: list[str], categories: dict[str, tuple[str, str]],
           sensitive: dict[str, str], people: str, recipients: str) -> list[list[str]]:
    rows = [["Fiche de registre de l'activité", "", ""],
            ["Nom / sigle", name, ""], ["N° / REF", reference, ""],
            ["Date de création de la fiche", "14/03/2024", ""], ["Mise à jour de la fiche", "02/06/2026", ""],
            ["Acteurs", "", ""],
            ["Responsable du traitement", "Mutuelle Médicis, 12 rue de Rivoli, 75001 Paris", ""],
            ["Délégué à la protection des données", "Claire Fontaine, dpo@medicis.example", ""],
            ["Responsable(s) conjoint(s)", "", ""],
            ["Finalité(s) du traitement effectué", "", ""],
            ["Finalité principale", purpose, ""]]
    rows += [[f"Sous-finalité {n}", text, ""] for n, text in enumerate(sub_purposes, start=1)]
    rows += [["Mesures de sécurité", "", ""],
             ["Contrôle d'accès des utilisateurs", "Habilitations revues chaque semestre", ""],
             ["Mesures de traçabilité", "Journalisation des consultations", ""],
             ["Sauvegarde des données", "Sauvegarde quotidienne hors site", ""],
             ["Chiffrement des données", "", ""],
             ["Catégories de données personnelles concernées", "Description", "Délai d'effacement"]]
    rows += [[category, description, delay] for category, (description, delay) in categories.items()]
    rows += [["Des données sensibles sont-elles traitées ?", "Oui" if sensitive else "Non", ""]]
    rows += [[category, description, ""] for category, description in sensitive.items()]
    rows += [["Catégories de personnes concernées", people, ""],
             ["Destinataires des données", recipients, ""],
             ["Transferts des données hors UE", "Non", ""]]
    return rows


CNIL_FICHES = {
    "Fiche 1": _fiche("ACT-01", "Gestion des réclamations", "Traiter les réclamations des adhérents",
                      ["Mesurer la satisfaction"],
                      {"État-civil, identité, données d'identification, images": ("Nom, prénom, n° d'adhérent",
                                                                                  "5 ans")},
                      {}, "Adhérents\nAyants droit", "Service relation client"),
    "Fiche 2": _fiche("ACT-02", "Prévention santé", "Proposer des programmes de prévention", [],
                      {"État-civil, identité, données d'identification, images": ("Nom, prénom", "3 ans"),
                       "Vie personnelle (habitudes de vie, situation familiale, etc.)": ("Habitudes de vie", "3 ans")},
                      {"Données concernant la santé": "Questionnaire de santé"}, "Adhérents volontaires",
                      "Service prévention"),
}


def cnil_model(kind: str = "ods", fiches: dict[str, list[list[str]]] | None = None) -> bytes:
    sheets = {
        "Tutoriel": [["Comment utiliser ce registre"], ["1. Renseignez la page de l'organisme."],
                     ["2. Créez une fiche par activité."]],
        "Registre": [["REGISTRE DES ACTIVITÉS DE TRAITEMENT DE", "Mutuelle Médicis"],
                     ["Activités", "Désignation des activités"],
                     *[[f"Activité {n}", sheet[1][1]] for n, sheet in enumerate((fiches or CNIL_FICHES).values(), 1)]],
        **(fiches if fiches is not None else CNIL_FICHES),
    }
    out = BytesIO()
    with pd.ExcelWriter(out, engine="odf" if kind == "ods" else "openpyxl") as writer:
        for name, rows in sheets.items():
            pd.DataFrame(rows).to_excel(writer, sheet_name=name, header=False, index=False)
    return out.getvalue()
