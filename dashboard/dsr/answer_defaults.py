"""The letter templates DPO Desk starts with (revision 1 of each kind and language),
recorded on first use. The PDF adds the letterhead (sender, addressee, date, subject and
reference) and the DPO's signature; a template is the letter's body, from the salutation
to the closing formula. Wording after the CNIL's model letters and the policies of the
demo controllers (the insurer's "30 days" and the platforms' CNIL complaint notice)."""

_FR_OPENING = """Madame, Monsieur,

Nous faisons suite à votre demande reçue le {{ received_on }} et enregistrée sous la référence {{ reference }}, par laquelle vous exercez, auprès de {{ controller }}, les droits suivants : {{ rights }}."""

_FR_PARTLY = """{% if partly_granted %}
Nous ne pouvons toutefois pas faire droit à l'intégralité de votre demande, pour les motifs suivants : {{ reasons }}

Conformément à l'article 12, paragraphe 4, du RGPD, vous avez la possibilité d'introduire une réclamation auprès de la CNIL et de former un recours juridictionnel.
{% endif %}"""

_FR_REMEDIES = """Si vous estimez, après nous avoir contactés, que vos droits « Informatique et Libertés » ne sont pas respectés, vous pouvez adresser une réclamation à la Commission nationale de l'informatique et des libertés (CNIL), 3 place de Fontenoy, TSA 80715, 75334 Paris Cedex 07 (www.cnil.fr), et former un recours juridictionnel devant la juridiction compétente (articles 77 et 79 du RGPD)."""

_FR_CLOSING = """Notre délégué à la protection des données, {{ dpo_name }}, reste à votre disposition pour toute question ({{ dpo_email }} ; {{ dpo_address }}).

Nous vous prions d'agréer, Madame, Monsieur, l'expression de nos salutations distinguées."""

_EN_OPENING = """Dear Sir or Madam,

We refer to your request received on {{ received_on }} and registered under reference {{ reference }}, by which you exercise the following rights with {{ controller }}: {{ rights }}."""

_EN_PARTLY = """{% if partly_granted %}
We cannot, however, grant your request in full, for the following reasons: {{ reasons }}

In accordance with Article 12(4) GDPR, you may lodge a complaint with the CNIL and seek a judicial remedy.
{% endif %}"""

_EN_REMEDIES = """If, after contacting us, you consider that your data-protection rights are not respected, you may lodge a complaint with the French data protection authority, the Commission nationale de l'informatique et des libertés (CNIL), 3 place de Fontenoy, TSA 80715, 75334 Paris Cedex 07, France (www.cnil.fr), and seek a judicial remedy before the competent court (Articles 77 and 79 GDPR)."""

_EN_CLOSING = """Our Data Protection Officer, {{ dpo_name }}, remains at your disposal for any question ({{ dpo_email }}; {{ dpo_address }}).

Yours faithfully,"""


def _fr(body: str, partly: bool = True) -> str:
    return "\n\n".join([_FR_OPENING, body.strip(), *([_FR_PARTLY] if partly else []), _FR_REMEDIES, _FR_CLOSING])


def _en(body: str, partly: bool = True) -> str:
    return "\n\n".join([_EN_OPENING, body.strip(), *([_EN_PARTLY] if partly else []), _EN_REMEDIES, _EN_CLOSING])


DEFAULTS: dict[tuple[str, str], str] = {
    ("access", "fr"): _fr("""
Conformément à l'article 15 du RGPD, vous trouverez ci-après les informations relatives au traitement de vos données personnelles. La copie des données vous concernant (article 15, paragraphe 3) est jointe au présent courrier.

1. Finalités du traitement : {{ purposes }}
2. Catégories de données personnelles concernées : {{ data_categories }}
3. Destinataires ou catégories de destinataires : {{ recipients }}
4. Durée de conservation, ou critères utilisés pour la déterminer : {{ retention }}
5. Vos droits : vous pouvez demander la rectification ou l'effacement de vos données, la limitation de leur traitement, ou vous opposer à ce traitement (articles 16, 17, 18 et 21 du RGPD), en écrivant à notre délégué à la protection des données.
6. Réclamation : vous avez le droit d'introduire une réclamation auprès de la CNIL (3 place de Fontenoy, TSA 80715, 75334 Paris Cedex 07, www.cnil.fr).
7. Source des données, lorsqu'elles n'ont pas été collectées auprès de vous : {{ source }}
8. Décision automatisée, y compris profilage (article 22) : [À compléter : existence ou absence d'une telle décision et, le cas échéant, la logique sous-jacente, son importance et ses conséquences prévues pour vous]
9. Transferts hors de l'Union européenne et garanties appropriées (article 46) : {{ transfers }}

Données retrouvées dans nos systèmes : {{ data_found }}
"""),
    ("access", "en"): _en("""
In accordance with Article 15 GDPR, please find below the information on the processing of your personal data. A copy of the data concerning you (Article 15(3)) is enclosed with this letter.

1. Purposes of the processing: {{ purposes }}
2. Categories of personal data concerned: {{ data_categories }}
3. Recipients or categories of recipients: {{ recipients }}
4. Retention period, or the criteria used to determine it: {{ retention }}
5. Your rights: you may request the rectification or erasure of your data, the restriction of its processing, or object to the processing (Articles 16, 17, 18 and 21 GDPR), by writing to our Data Protection Officer.
6. Complaint: you have the right to lodge a complaint with the CNIL (3 place de Fontenoy, TSA 80715, 75334 Paris Cedex 07, France, www.cnil.fr).
7. Source of the data, where it was not collected from you: {{ source }}
8. Automated decision-making, including profiling (Article 22): [To be completed: whether such decisions are made and, if so, the logic involved, their significance and the envisaged consequences for you]
9. Transfers outside the European Union and the appropriate safeguards (Article 46): {{ transfers }}

Data found in our systems: {{ data_found }}
"""),
    ("rectification", "fr"): _fr("""
Conformément à l'article 16 du RGPD, nous avons procédé à la rectification des données inexactes vous concernant et complété les données incomplètes, comme vous l'avez demandé.
{% if recipients_notified %}
Conformément à l'article 19 du RGPD, nous avons informé de cette rectification les destinataires auxquels vos données avaient été communiquées : {{ recipients_notified }}.
{% endif %}"""),
    ("rectification", "en"): _en("""
In accordance with Article 16 GDPR, we have rectified the inaccurate data concerning you and completed the incomplete data, as you requested.
{% if recipients_notified %}
In accordance with Article 19 GDPR, we have informed the recipients to whom your data had been disclosed of this rectification: {{ recipients_notified }}.
{% endif %}"""),
    ("erasure", "fr"): _fr("""
Nous vous confirmons que, conformément à l'article 17 du RGPD, les données personnelles vous concernant ont été effacées : {{ erased }}.
{% if kept %}
Certaines données doivent néanmoins être conservées pour respecter une obligation légale ou pour la constatation, l'exercice ou la défense de droits en justice (article 17, paragraphe 3) : {{ kept }}. Elles ne seront utilisées à aucune autre fin et seront supprimées à l'issue de cette durée.
{% endif %}
Les copies de sauvegarde qui contiennent encore ces données seront écrasées dans le cycle normal de rotation des sauvegardes, sans être restaurées entre-temps.
{% if recipients_notified %}
Conformément à l'article 19 du RGPD, nous avons informé de cet effacement les destinataires auxquels vos données avaient été communiquées : {{ recipients_notified }}.
{% endif %}"""),
    ("erasure", "en"): _en("""
We confirm that, in accordance with Article 17 GDPR, the personal data concerning you has been erased: {{ erased }}.
{% if kept %}
Some data must nevertheless be kept to comply with a legal obligation or for the establishment, exercise or defence of legal claims (Article 17(3)): {{ kept }}. It will not be used for any other purpose and will be deleted at the end of that period.
{% endif %}
Backup copies that still contain this data will be overwritten in the normal backup rotation and will not be restored in the meantime.
{% if recipients_notified %}
In accordance with Article 19 GDPR, we have informed the recipients to whom your data had been disclosed of this erasure: {{ recipients_notified }}.
{% endif %}"""),
    ("restriction", "fr"): _fr("""
Conformément à l'article 18 du RGPD, nous avons limité le traitement de vos données personnelles. Vos données sont conservées mais, hormis leur conservation, elles ne seront traitées qu'avec votre consentement, ou pour la constatation, l'exercice ou la défense de droits en justice, ou pour la protection des droits d'une autre personne, ou pour des motifs importants d'intérêt public.

Nous vous informerons avant que la limitation du traitement ne soit levée (article 18, paragraphe 3).
{% if recipients_notified %}
Conformément à l'article 19 du RGPD, nous avons informé de cette limitation les destinataires auxquels vos données avaient été communiquées : {{ recipients_notified }}.
{% endif %}"""),
    ("restriction", "en"): _en("""
In accordance with Article 18 GDPR, we have restricted the processing of your personal data. Your data is kept but, apart from storage, it will only be processed with your consent, for the establishment, exercise or defence of legal claims, for the protection of the rights of another person, or for reasons of important public interest.

We will inform you before the restriction of processing is lifted (Article 18(3)).
{% if recipients_notified %}
In accordance with Article 19 GDPR, we have informed the recipients to whom your data had been disclosed of this restriction: {{ recipients_notified }}.
{% endif %}"""),
    ("portability", "fr"): _fr("""
Conformément à l'article 20 du RGPD, vous trouverez joint au présent courrier les données personnelles que vous nous avez fournies, dans un format structuré, couramment utilisé et lisible par machine. Vous pouvez les transmettre à un autre responsable du traitement ; si vous le souhaitez, et lorsque c'est techniquement possible, nous pouvons les lui transmettre directement.

Données concernées : {{ data_found }}
"""),
    ("portability", "en"): _en("""
In accordance with Article 20 GDPR, please find enclosed the personal data you provided to us, in a structured, commonly used and machine-readable format. You may transmit it to another controller; if you wish, and where technically feasible, we can transmit it to that controller directly.

Data concerned: {{ data_found }}
"""),
    ("objection", "fr"): _fr("""
Nous avons pris en compte votre opposition au traitement de vos données personnelles (article 21 du RGPD). Vos données ne sont plus traitées pour les finalités concernées : {{ purposes }}.

S'agissant de la prospection commerciale, votre opposition est absolue : vos données ne seront plus utilisées à cette fin (article 21, paragraphe 3).
"""),
    ("objection", "en"): _en("""
We have taken your objection to the processing of your personal data into account (Article 21 GDPR). Your data is no longer processed for the purposes concerned: {{ purposes }}.

As regards direct marketing, your objection is absolute: your data will no longer be used for that purpose (Article 21(3)).
"""),
    ("other_right", "fr"): _fr("""
Nous avons donné suite à votre demande. Les traitements concernés sont les suivants : {{ activities }}.
"""),
    ("other_right", "en"): _en("""
We have acted on your request. The processing activities concerned are: {{ activities }}.
"""),
    ("refusal", "fr"): _fr("""
Après examen attentif, nous ne sommes pas en mesure de donner suite à votre demande, pour les motifs suivants : {{ reasons }}

Conformément à l'article 12, paragraphe 4, du RGPD, nous vous informons que vous avez la possibilité d'introduire une réclamation auprès de la Commission nationale de l'informatique et des libertés (CNIL) et de former un recours juridictionnel.
""", partly=False),
    ("refusal", "en"): _en("""
After careful examination, we are unable to act on your request, for the following reasons: {{ reasons }}

In accordance with Article 12(4) GDPR, we inform you that you may lodge a complaint with the French data protection authority (CNIL) and seek a judicial remedy.
""", partly=False),
    ("cannot_identify", "fr"): _fr("""
Conformément aux articles 11, paragraphe 2, et 12, paragraphe 2, du RGPD, nous vous informons que nous ne sommes pas en mesure de vous identifier parmi les personnes dont nous traitons les données, au vu des éléments dont nous disposons : {{ reasons }}

Si vous nous fournissez des informations complémentaires permettant de vous identifier (par exemple votre numéro d'adhérent ou l'adresse électronique de votre compte), nous donnerons suite à votre demande sans délai.

Conformément à l'article 12, paragraphe 4, du RGPD, vous avez la possibilité d'introduire une réclamation auprès de la CNIL et de former un recours juridictionnel.
""", partly=False),
    ("cannot_identify", "en"): _en("""
In accordance with Articles 11(2) and 12(2) GDPR, we inform you that we are not in a position to identify you among the people whose data we process, on the basis of the information available to us: {{ reasons }}

If you provide additional information enabling us to identify you (for instance your membership number or the e-mail address of your account), we will act on your request without delay.

In accordance with Article 12(4) GDPR, you may lodge a complaint with the CNIL and seek a judicial remedy.
""", partly=False),
    ("unfounded_excessive", "fr"): _fr("""
Conformément à l'article 12, paragraphe 5, du RGPD, nous considérons votre demande comme {% if excessive %}excessive, notamment en raison de son caractère répétitif{% else %}manifestement infondée{% endif %}, pour les motifs suivants : {{ reasons }}

En conséquence, nous refusons de donner suite à votre demande.

Conformément à l'article 12, paragraphe 4, du RGPD, vous avez la possibilité d'introduire une réclamation auprès de la CNIL et de former un recours juridictionnel.
""", partly=False),
    ("unfounded_excessive", "en"): _en("""
In accordance with Article 12(5) GDPR, we consider your request to be {% if excessive %}excessive, in particular because of its repetitive character{% else %}manifestly unfounded{% endif %}, for the following reasons: {{ reasons }}

We therefore refuse to act on your request.

In accordance with Article 12(4) GDPR, you may lodge a complaint with the CNIL and seek a judicial remedy.
""", partly=False),
}
