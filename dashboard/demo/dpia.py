"""Demo DPIAs, from the seed documents.

* Lumina Apprendre's AI personalisation and recommendations for learners (profiling,
  innovative technology, possibly minors): screened "required", a complete DPIA,
  validated two months ago, its action plan under way.
* Savelunari's audience measurement, heatmaps and session recording: a DPIA in
  progress whose action plan has overdue measures, and a residual high risk that
  calls for prior consultation (Art. 36).
* Médicis's member and contract management (health data of members, large scale):
  validated almost three years ago, its review date (Art. 35(11)) three weeks away.
* Newsletters: screened "not required", with the justification; HR and payroll:
  "required" (health data and NIR, and employees, vulnerable people in the WP248
  sense: two criteria), its DPIA still to be carried out.

Built through the use cases (as the demo DPO and legal counsel), with dates relative
to the day of seeding. Idempotent: nothing happens once a screening exists.
"""

from datetime import timedelta

from sqlmodel import Session, select

from dashboard import auth
from dashboard.demo.activities import activity_id
from dashboard.dpia import cases, content, decision, screening
from models.clock import paris_today
from models.deadlines import add_months
from models.dpia import DpiaScreening
from models.dpia_rules import PRINCIPLE_ITEMS, CONTEXT_ITEMS
from models.org import User

A, I, C = "acceptable", "improvable", "to_correct"


def _actor(session: Session, username: str):
    return auth.actor_for(session, session.exec(select(User).where(User.username == username)).one())


def _fill(session, actor, view, answers: dict[int, str], evaluations: dict[str, tuple[str, str]]):
    """Save the context and principle answers item by item."""
    for item in CONTEXT_ITEMS + PRINCIPLE_ITEMS:
        item_answers = {q: answers[q] for q in item.questions if q in answers}
        item_evaluations = {ref: {"status": evaluations[ref][0], "comment": evaluations[ref][1]}
                            for ref in item.evaluation_references() if ref in evaluations}
        if item_answers or item_evaluations:
            view = content.save_item(session, actor, view.id, view.version, item.reference,
                                     {"answers": item_answers, "evaluations": item_evaluations})
    return view


def _measures(session, actor, view, measures: list[dict]):
    ids = {}
    for measure in measures:
        key = measure.pop("key")
        view = content.save_measure(session, actor, view.id, view.version, None, measure)
        ids[key] = view.measures[-1].id
    return view, ids


def _risks(session, actor, view, risks: dict[str, dict], ids: dict[str, int]):
    by_kind = {r.kind: r for r in view.risks}
    for kind, data in risks.items():
        data = {**data, "measure_ids": [ids[k] for k in data.get("measure_ids", [])]}
        if kind == "custom":
            view = content.add_custom_risk(session, actor, view.id, view.version, data)
        else:
            view = content.save_risk(session, actor, view.id, view.version, by_kind[kind].id, data)
    return view


def seed(session: Session) -> None:
    if session.exec(select(DpiaScreening)).first():
        return
    dpo, legal = _actor(session, "dpo"), _actor(session, "juriste")
    today = paris_today()
    _screenings(session, dpo, legal)
    _ai_personalisation(session, dpo, legal, today)
    _audience_analytics(session, dpo, legal, today)
    _member_management(session, dpo, legal, today)


def _screenings(session, dpo, legal) -> None:
    screening.screen_activity(session, legal, activity_id(session, "newsletter"), {
        "criteria": [], "cnil_types": [],
        "justification": "Envoi de lettres d'information aux adhérents et prospects ayant consenti, sans profilage "
                         "ni segmentation comportementale, sans donnée sensible ; volumétrie limitée (environ 40 000 "
                         "destinataires) et désinscription en un clic. Aucun critère des lignes directrices WP248 "
                         "n'est rempli et le traitement ne figure pas sur la liste de la CNIL."})
    screening.screen_activity(session, dpo, activity_id(session, "hr_payroll"), {
        "criteria": ["sensitive_data", "vulnerable_people"], "cnil_types": [],
        "justification": "Deux critères des lignes directrices WP248 : données sensibles ou à caractère hautement "
                         "personnel (arrêts de travail, données de santé ; NIR) et personnes vulnérables (les "
                         "salariés, dans un rapport de subordination). Deux critères : une AIPD est requise ; "
                         "elle est à mener avant la prochaine revue du traitement."})
    screening.screen_activity(session, dpo, activity_id(session, "ai_personalisation"), {
        "criteria": ["evaluation_scoring", "vulnerable_people", "innovative_technology"], "cnil_types": [],
        "justification": "Profilage des apprenants à partir de leurs résultats, apprenants possiblement mineurs "
                         "(date de naissance collectée pour la vérification de l'âge), recours à l'IA."})
    screening.screen_activity(session, legal, activity_id(session, "audience_analytics"), {
        "criteria": ["systematic_monitoring", "matching_datasets", "innovative_technology"], "cnil_types": [],
        "justification": "Enregistrement de sessions et cartes de chaleur : suivi systématique du comportement de "
                         "navigation, croisé avec les comptes apprenants."})
    screening.screen_activity(session, dpo, activity_id(session, "member_management"), {
        "criteria": ["sensitive_data", "large_scale", "vulnerable_people"], "cnil_types": [],
        "justification": "Données de santé des adhérents (contrats de prévoyance), plus de 200 000 adhérents."})


def _ai_personalisation(session, dpo, legal, today) -> None:
    view = cases.create_dpia(session, legal, {
        "activity_id": activity_id(session, "ai_personalisation"),
        "title": "Personnalisation des parcours et recommandations par IA — Lumina Apprendre"})
    view = _fill(session, legal, view, {
        111: "Le moteur de personnalisation de Lumina Apprendre adapte l'ordre des modules, propose des exercices "
             "de remédiation et recommande des cours à partir des performances de l'apprenant (quiz, examens, temps "
             "passé) et de ses préférences déclarées.\nEnjeux : réduire l'abandon en cours de formation et mieux "
             "cibler les contenus ; risque d'enfermement dans un parcours et d'erreurs de profilage.",
        112: "Responsable du traitement : Lumina Apprendre SAS (Nantes).\nSous-traitants : hébergeur du moteur de "
             "recommandation (UE), éditeur de la brique d'apprentissage automatique (accord de sous-traitance art. 28 "
             "signé).\nPas de coresponsabilité : les organismes partenaires ne reçoivent que la progression.",
        113: "Référentiel de la CNIL sur les traitements de données dans l'enseignement en ligne ; recommandations "
             "de la CNIL sur l'IA (fiches pratiques 2024) ; charte éthique interne de Lumina Apprendre.",
        121: "Identification (nom, courriel, date de naissance), données de profil déclarées (niveau d'études, "
             "intérêts), résultats aux quiz et examens, complétion des modules, temps passé, historique de navigation "
             "dans les cours ; scores de maîtrise calculés par compétence.\nConservation : durée du compte, puis "
             "3 ans pour les attestations ; scores de maîtrise supprimés à la clôture du compte.",
        122: "Collecte lors des activités de cours, puis calcul quotidien des scores de maîtrise, puis génération des "
             "recommandations, puis affichage dans le tableau de bord de l'apprenant, puis réentraînement mensuel du modèle "
             "sur des données pseudonymisées, puis suppression à la clôture du compte.",
        123: "Plateforme web et applications mobiles ; base de données de production (hébergement UE) ; "
             "environnement d'entraînement du modèle séparé ; postes des équipes pédagogiques et data.",
        211: "Finalité déterminée : adapter le parcours de formation de chaque apprenant. Les données ne servent ni "
             "à la prospection commerciale ni à la notation des apprenants par les organismes partenaires.",
        212: "Exécution du contrat de formation (art. 6(1)(b)) pour la personnalisation de base ; consentement "
             "(art. 6(1)(a)) pour l'utilisation des intérêts déclarés et pour les apprenants de moins de 15 ans "
             "(consentement conjoint du titulaire de l'autorité parentale, loi Informatique et Libertés art. 45).",
        213: "Seules les données pédagogiques sont utilisées ; les données techniques (adresse IP, appareil) sont "
             "exclues du modèle. Les données démographiques facultatives ne sont pas utilisées.",
        214: "Les scores de maîtrise sont recalculés chaque jour ; l'apprenant peut signaler une recommandation "
             "inadaptée et un pédagogue révise le profil sous 5 jours ouvrés.",
        215: "Scores et historique : durée du compte ; données d'entraînement pseudonymisées : 24 mois glissants ; "
             "journaux techniques : 12 mois.",
        221: "Politique de confidentialité en langage clair, encart « Pourquoi cette recommandation ? » sur chaque "
             "suggestion, information adaptée aux mineurs (version illustrée).",
        222: "Consentement recueilli à l'inscription pour les intérêts déclarés, distinct de l'acceptation des CGU, "
             "retirable depuis le profil ; double consentement pour les moins de 15 ans.",
        223: "Accès et export (JSON, CSV) depuis l'espace apprenant ; demandes écrites traitées sous un mois.",
        224: "Rectification du profil déclaré en ligne ; demande de révision humaine d'un score de maîtrise ; "
             "effacement à la clôture du compte.",
        225: "Désactivation de la personnalisation (parcours standard) en un clic ; opposition au profilage "
             "fondé sur les intérêts déclarés.",
        226: "Contrats art. 28 signés avec l'hébergeur et l'éditeur de la brique IA ; audit de l'éditeur prévu.",
        227: "Aucun transfert hors de l'Union européenne : hébergement et support dans l'UE.",
    }, {
        "1.1": (A, "Contexte bien décrit."),
        "1.2": (A, ""),
        "2.1.211": (A, ""), "2.1.212": (A, "Double consentement pour les mineurs de moins de 15 ans : conforme."),
        "2.1.213": (A, ""), "2.1.214": (I, "Formaliser la révision humaine des scores (procédure écrite)."),
        "2.1.215": (A, ""), "2.2.221": (I, "La version pour les mineurs reste à publier."),
        "2.2.222": (A, ""), "2.2.223": (A, ""), "2.2.224": (A, ""), "2.2.225": (A, ""),
        "2.2.226": (I, "Audit de l'éditeur de la brique IA à mener."), "2.2.227": (A, ""),
    })
    view, ids = _measures(session, legal, view, [
        {"key": "encryption", "title": "Chiffrement des données au repos et en transit",
         "description": "AES-256 au repos, TLS 1.3 ; clés gérées par l'hébergeur dans l'UE.", "status": "existing"},
        {"key": "access", "title": "Contrôle des accès logiques",
         "description": "Accès aux scores limité aux pédagogues référents ; authentification forte des équipes data.",
         "status": "existing"},
        {"key": "backup", "title": "Sauvegardes chiffrées quotidiennes",
         "description": "Rétention 30 jours, test de restauration trimestriel.", "status": "existing"},
        {"key": "pseudonymisation", "title": "Pseudonymisation du jeu d'entraînement",
         "description": "Remplacement des identifiants par des jetons avant tout réentraînement du modèle.",
         "status": "done", "owner": "Responsable data, Lumina Apprendre", "due_date": today - timedelta(days=30),
         "done_on": today - timedelta(days=34)},
        {"key": "bias_audit", "title": "Audit de biais du modèle de recommandation",
         "description": "Mesurer les écarts de recommandations selon l'âge et le niveau déclaré ; corriger avant "
                        "la rentrée.", "status": "in_progress", "owner": "Responsable data, Lumina Apprendre",
         "due_date": today + timedelta(days=18)},
        {"key": "minors_notice", "title": "Information illustrée pour les mineurs",
         "description": "Publier la version illustrée de l'information et l'encart « Pourquoi cette "
                        "recommandation ? » pour les moins de 15 ans.", "status": "planned",
         "owner": "Direction pédagogique", "due_date": today + timedelta(days=75)},
    ])
    view = _risks(session, legal, view, {
        "illegitimate_access": {
            "impacts": ["Divulgation de difficultés d'apprentissage d'un mineur", "Stigmatisation",
                        "Usage des scores par un tiers (employeur, établissement)"],
            "threats": ["Compromission d'un compte pédagogue", "Export massif de la base des scores"],
            "sources": ["Attaquant externe", "Salarié malveillant"],
            "measure_ids": ["encryption", "access", "pseudonymisation"],
            "severity_before": 3, "likelihood_before": 2, "severity_after": 3, "likelihood_after": 1,
            "severity_note": "Des scores révélant des difficultés d'apprentissage de mineurs auraient des "
                             "conséquences importantes pour les personnes.",
            "likelihood_note": "Accès restreints et chiffrement ; la vraisemblance reste limitée.",
            "evaluation": A, "evaluation_comment": "Risque résiduel acceptable après pseudonymisation."},
        "unwanted_modification": {
            "impacts": ["Recommandations inadaptées", "Perte de motivation de l'apprenant"],
            "threats": ["Altération des scores par une erreur de traitement"], "sources": ["Erreur interne"],
            "measure_ids": ["access", "backup"],
            "severity_before": 2, "likelihood_before": 2, "severity_after": 2, "likelihood_after": 1,
            "evaluation": A},
        "disappearance": {
            "impacts": ["Perte de l'historique de progression"], "threats": ["Panne ou rançongiciel"],
            "sources": ["Sinistre", "Attaquant externe"], "measure_ids": ["backup"],
            "severity_before": 2, "likelihood_before": 2, "severity_after": 1, "likelihood_after": 1,
            "evaluation": A},
        "custom": {
            "title": "Profilage discriminant ou enfermement algorithmique",
            "impacts": ["Orientation systématique vers des contenus de niveau inférieur", "Discrimination selon l'âge"],
            "threats": ["Biais du modèle", "Boucle de rétroaction des recommandations"],
            "sources": ["Conception du modèle"], "measure_ids": ["bias_audit", "minors_notice"],
            "severity_before": 3, "likelihood_before": 3, "severity_after": 2, "likelihood_after": 2,
            "severity_note": "Effets durables possibles sur le parcours de formation.",
            "likelihood_note": "Biais fréquents dans les systèmes de recommandation sans audit.",
            "evaluation": I, "evaluation_comment": "Acceptable une fois l'audit de biais mené."},
    }, ids)
    view = decision.give_dpo_opinion(session, dpo, view.id, view.version, {
        "dpo_name": dpo.full_name, "favourable": True,
        "opinion": "Avis favorable sous réserve de la réalisation de l'audit de biais avant la rentrée et de la "
                   "publication de l'information adaptée aux mineurs. Les risques résiduels sont limités."})
    view = decision.record_people_views(session, legal, view.id, view.version, {
        "sought": True, "names": "Panel de 40 apprenants et association de parents d'élèves partenaire",
        "favourable": True,
        "opinion": "Les apprenants apprécient les recommandations mais demandent de pouvoir les désactiver ; les "
                   "parents demandent une information spécifique pour les mineurs (prise en compte dans le plan "
                   "d'action)."})
    view = decision.validate_dpia(session, legal, view.id, view.version, {
        "decision_by": "Nadia Rousseau, directrice générale de Lumina Apprendre",
        "decided_on": today - timedelta(days=60),
        "comment": "Mise en œuvre autorisée ; plan d'action suivi par la direction pédagogique."})


def _audience_analytics(session, dpo, legal, today) -> None:
    view = cases.create_dpia(session, legal, {
        "activity_id": activity_id(session, "audience_analytics"),
        "title": "Cartes de chaleur et enregistrement de sessions — Savelunari"})
    view = _fill(session, legal, view, {
        111: "Outil tiers d'analyse d'audience enregistrant les sessions de navigation (mouvements de souris, clics, "
             "défilement) et produisant des cartes de chaleur, afin d'améliorer l'ergonomie des cours.",
        112: "Responsable : Savelunari SAS. Sous-traitant : éditeur de l'outil d'analyse (contrat en cours de "
             "révision).",
        121: "Identifiant de session, pages vues, interactions, champs de formulaire (masqués par défaut), "
             "adresse IP tronquée ; rattachement au compte apprenant lorsqu'il est connecté.",
        211: "Améliorer l'ergonomie des parcours ; la finalité d'assistance individuelle évoquée par le support "
             "n'est pas retenue.",
        212: "Consentement via le bandeau cookies.",
        221: "Mention dans la politique de confidentialité ; information dans le bandeau.",
    }, {
        "1.1": (I, "Préciser les versions de l'outil et les paramètres de masquage."),
        "2.1.211": (A, ""), "2.1.212": (I, "Vérifier que le refus est aussi simple que l'acceptation."),
        "2.2.221": (C, "L'information ne mentionne pas l'enregistrement des sessions."),
    })
    view, ids = _measures(session, legal, view, [
        {"key": "masking", "title": "Masquage des champs de saisie",
         "description": "Masquage par défaut de tous les champs, y compris les réponses aux quiz.",
         "status": "existing"},
        {"key": "consent", "title": "Refus aussi simple que l'acceptation dans le bandeau",
         "description": "Bouton « Tout refuser » au premier niveau du bandeau.", "status": "planned",
         "owner": "Équipe produit Savelunari", "due_date": today - timedelta(days=40)},
        {"key": "contract", "title": "Avenant art. 28 avec l'éditeur de l'outil d'analyse",
         "description": "Clauses d'audit, de sous-traitance ultérieure et de localisation des données dans l'UE.",
         "status": "in_progress", "owner": "Julien Mercier, juriste", "due_date": today - timedelta(days=12)},
        {"key": "retention", "title": "Durée de conservation des enregistrements limitée à 30 jours",
         "description": "Paramétrage de la purge automatique dans l'outil.", "status": "planned",
         "owner": "DSI Savelunari", "due_date": today + timedelta(days=25)},
    ])
    _risks(session, legal, view, {
        "illegitimate_access": {
            "impacts": ["Révélation des réponses saisies", "Suivi du comportement individuel"],
            "threats": ["Accès de l'éditeur aux enregistrements", "Rejeu de sessions contenant des données saisies"],
            "sources": ["Sous-traitant", "Attaquant externe"], "measure_ids": ["masking", "contract"],
            "severity_before": 3, "likelihood_before": 4,
            "severity_note": "Les enregistrements peuvent révéler des réponses et le comportement d'apprenants.",
            "likelihood_note": "L'éditeur accède aux enregistrements par défaut ; contrat incomplet."},
        "unwanted_modification": {"severity_before": 1, "likelihood_before": 2, "measure_ids": ["masking"]},
    }, ids)


def _member_management(session, dpo, legal, today) -> None:
    view = cases.create_dpia(session, dpo, {
        "activity_id": activity_id(session, "member_management"),
        "title": "Gestion des adhérents et des contrats de prévoyance — Mutuelle Médicis"})
    decided_on = add_months(today + timedelta(days=21), -36)
    answers = {
        111: "Gestion des adhésions, des cotisations et des contrats de prévoyance des adhérents de la Mutuelle "
             "Médicis, y compris les informations de santé nécessaires à la souscription et aux garanties.",
        112: "Responsable du traitement : Mutuelle Médicis. Sous-traitants : hébergeur agréé HDS, éditeur du "
             "logiciel de gestion.",
        113: "Code de la mutualité ; référentiel de la CNIL relatif aux traitements des organismes d'assurance.",
        121: "Identité, coordonnées, numéro de sécurité sociale, informations de santé déclarées, garanties, "
             "cotisations. Conservation : durée du contrat puis prescriptions légales.",
        122: "Collecte à l'adhésion, gestion du contrat, résiliation, archivage intermédiaire, destruction avec "
             "certificat.",
        123: "Logiciel de gestion hébergé (HDS), GED, postes des gestionnaires, courrier papier numérisé.",
        211: "Gestion des contrats de prévoyance des adhérents.",
        212: "Exécution du contrat ; pour les données de santé, art. 9(2)(h) et consentement à la souscription.",
        213: "Questionnaire de santé limité aux garanties souscrites.",
        214: "Mise à jour annuelle avec l'adhérent ; contrôles de cohérence à la saisie.",
        215: "Durée du contrat + 5 ans (prescription) ; données de santé de refus : 2 ans.",
        221: "Notice d'information au bulletin d'adhésion ; politique de protection des données en ligne.",
        222: "Consentement exprès pour le questionnaire de santé.",
        223: "Demandes traitées par la Direction de la Relation Client sous 30 jours.",
        224: "Rectification en ligne ; effacement à l'issue des durées de conservation.",
        225: "Procédure de limitation documentée ; opposition limitée par l'exécution du contrat.",
        226: "Contrats art. 28 avec l'hébergeur HDS et l'éditeur, revus en 2024.",
        227: "Aucun transfert hors UE (politique de la mutuelle).",
    }
    view = _fill(session, dpo, view, answers, {
        ref: (A, "") for item in CONTEXT_ITEMS + PRINCIPLE_ITEMS for ref in item.evaluation_references()})
    view, ids = _measures(session, dpo, view, [
        {"key": "hds", "title": "Hébergement certifié HDS", "description": "Hébergeur certifié données de santé.",
         "status": "existing"},
        {"key": "habilitations", "title": "Revue semestrielle des habilitations",
         "description": "Revue des droits d'accès des gestionnaires par la DSI.", "status": "done",
         "owner": "DSI Médicis", "due_date": decided_on + timedelta(days=90),
         "done_on": decided_on + timedelta(days=80)},
    ])
    view = _risks(session, dpo, view, {
        "illegitimate_access": {"impacts": ["Divulgation d'informations de santé"], "threats": ["Accès non habilité"],
                                "sources": ["Gestionnaire", "Attaquant externe"],
                                "measure_ids": ["hds", "habilitations"], "severity_before": 3,
                                "likelihood_before": 2, "severity_after": 3, "likelihood_after": 1, "evaluation": A},
        "unwanted_modification": {"severity_before": 2, "likelihood_before": 2, "severity_after": 2,
                                  "likelihood_after": 1, "evaluation": A, "measure_ids": ["habilitations"]},
        "disappearance": {"severity_before": 2, "likelihood_before": 1, "severity_after": 2, "likelihood_after": 1,
                          "evaluation": A, "measure_ids": ["hds"]},
    }, ids)
    view = decision.give_dpo_opinion(session, dpo, view.id, view.version, {
        "dpo_name": dpo.full_name, "favourable": True,
        "opinion": "Avis favorable : les mesures existantes couvrent les risques identifiés."})
    view = decision.record_people_views(session, dpo, view.id, view.version, {
        "sought": False, "not_sought_reason": "Traitement existant encadré par le Code de la mutualité ; les "
                                              "délégués des adhérents ont été informés en assemblée générale."})
    decision.validate_dpia(session, dpo, view.id, view.version, {
        "decision_by": "Bernard Lacombe, directeur général de la Mutuelle Médicis", "decided_on": decided_on})
