"""The French words of summary.html, keyed by their English text (`language.Words.word`).

`{name}` fields are filled in after translation, so a translation may move them. A plural pair is two
entries, the singular's and the plural's. Written with plain spaces; French spacing is applied below.
Pure data.
"""

from __future__ import annotations

_WRITTEN: dict[str, str] = {
    # The page and its header
    "Engagement summary": "Bilan d'engagement",
    "{name} – engagement summary": "{name} – bilan d'engagement",
    "Campaign": "Campagne",
    "archived": "archivée",
    "Window": "Période",
    "Campaign runs": "Durée de la campagne",
    "Generated": "Généré le",
    "Times in": "Fuseau horaire",
    "each time's own UTC offset": "le décalage UTC propre à chaque heure",
    "unknown": "inconnu",
    "now": "maintenant",
    "Sections": "Sections",
    "Attention": "À surveiller",
    "Overview": "Vue d'ensemble",
    "Comparison": "Comparaison",
    "Over time": "Au fil du temps",
    "Events": "Événements",
    "Counters": "Compteurs",
    "Engagement": "Engagement",
    "Freshness": "Fraîcheur",
    "Top content": "Contenus en tête",
    "Collisions": "Collisions",
    "Tracked items": "Éléments suivis",
    "summary.json schema version {version}; generated {when}. Figures are also in summary.csv.": (
        "summary.json, version de schéma {version} ; généré le {when}. Les chiffres sont aussi dans "
        "summary.csv."
    ),
    # Attention
    "Nothing needs your attention.": "Rien ne demande votre attention.",
    "High": "Élevée",
    "Medium": "Moyenne",
    "Low": "Faible",
    "Abuse wave": "Vague d'abus",
    "Platform refused": "Refus de la plateforme",
    "No credentials": "Identifiants manquants",
    "Platform silent": "Plateforme muette",
    "Request budget spent": "Budget de requêtes épuisé",
    "Collision": "Collision",
    "Push clash": "Conflit de push",
    "Spike": "Pic d'activité",
    # Moderation (contract section 11)
    "Moderation": "Modération",
    "Texts classified": "Textes classés",
    "Abusive": "Abusifs",
    "Abusive share": "Part abusive",
    "By category": "Par catégorie",
    "Abuse waves": "Vagues d'abus",
    "live": "en cours",
    "ended": "terminée",
    "since": "depuis",
    "until": "jusqu'à",
    "All platforms": "Toutes plateformes",
    "No text was classified in this window.": "Aucun texte n'a été classé sur cette période.",
    "Counts only: the texts are in the label's moderation report, for moderators.": (
        "Des chiffres seulement : les textes sont dans le rapport de modération du label, réservé aux "
        "modérateurs."
    ),
    "homophobia": "homophobie",
    "racism": "racisme",
    "sexism": "sexisme",
    "threat": "menace",
    "sexual harassment": "harcèlement sexuel",
    "insult": "insulte",
    "spam": "spam",
    # Overview and comparison
    "net, all platforms": "nets, toutes plateformes",
    "Engagement units": "Unités d'engagement",
    "weights {version}": "pondération {version}",
    "Engagement rate": "Taux d'engagement",
    "engagement units ÷ followers": "unités d'engagement ÷ abonnés",
    "on {n} platform": "sur {n} plateforme",
    "on {n} platforms": "sur {n} plateformes",
    "n/a": "n.d.",
    "not available": "non disponible",
    "nothing in the previous window": "rien sur la période précédente",
    "no previous figure": "pas de chiffre précédent",
    "vs the previous window": "par rapport à la période précédente",
    "Compared with the previous window": "Par rapport à la période précédente",
    "The previous window is as long as this one and ends where it starts:": (
        "La période précédente est aussi longue que celle-ci et s'achève là où elle commence :"
    ),
    "This window against the previous one (a change is a percent of the previous figure)": (
        "Cette période face à la précédente (l'évolution est un pourcentage du chiffre précédent)"
    ),
    "Figure": "Chiffre",
    "This window": "Cette période",
    "Previous window": "Période précédente",
    "Change": "Évolution",
    "Events (net)": "Événements (nets)",
    "Events on {platform}": "Événements sur {platform}",
    # Events over time and per kind
    "Events over time": "Événements au fil du temps",
    "Legend": "Légende",
    "hour": "heure",
    "day": "jour",
    "Net events per {per} and platform": "Événements nets par {per} et par plateforme",
    "Net events per {per} on {n} platform from {first} to {last}; the table of events per platform and kind "
    "gives the figures.": (
        "Événements nets par {per} sur {n} plateforme du {first} au {last} ; le tableau des événements par "
        "plateforme et par type donne les chiffres."
    ),
    "Net events per {per} on {n} platforms from {first} to {last}; the table of events per platform and kind "
    "gives the figures.": (
        "Événements nets par {per} sur {n} plateformes du {first} au {last} ; le tableau des événements par "
        "plateforme et par type donne les chiffres."
    ),
    "Net events, {when}": "Événements nets, {when}",
    "one reading so far: a chart needs two": "une seule mesure pour l'instant : une courbe en demande deux",
    "No events in the window yet: nothing to chart.": (
        "Aucun événement sur la période pour l'instant : rien à tracer."
    ),
    "Events per platform and kind": "Événements par plateforme et par type",
    "Net events by kind (rows) and platform (columns)": (
        "Événements nets par type (lignes) et par plateforme (colonnes)"
    ),
    "Kind": "Type",
    "All kinds": "Tous types",
    "Net counts: an undone reaction or like counts \u22121, so a figure can be negative.": (
        "Comptes nets : une réaction ou un j'aime retiré compte \u22121, un chiffre peut donc être négatif."
    ),
    "No events attributed yet.": "Aucun événement attribué pour l'instant.",
    # Kinds of events
    "comment": "commentaire",
    "reply": "réponse",
    "reaction": "réaction",
    "like": "j'aime",
    "share": "partage",
    "repost": "republication",
    "quote": "citation",
    "mention": "mention",
    "follow": "abonnement",
    "unfollow": "désabonnement",
    "content published": "contenu publié",
    "content updated": "contenu modifié",
    "content removed": "contenu supprimé",
    "click": "clic",
    "pre-save": "pré-enregistrement",
    "other": "autre",
    # Counters
    "one reading, at": "une seule mesure, le",
    "No counter snapshots in the window yet: nothing to chart.": (
        "Aucune mesure de compteur sur la période pour l'instant : rien à tracer."
    ),
    "Figures": "Chiffres",
    "First and last snapshot in the window, summed over the campaign's items": (
        "Première et dernière mesure de la période, additionnées sur les éléments de la campagne"
    ),
    "Counter": "Compteur",
    "First": "Première",
    "Last": "Dernière",
    "As of": "Au",
    "Unavailable": "Indisponible",
    "no snapshot": "aucune mesure",
    "No counter has been pulled for this campaign yet.": (
        "Aucun compteur n'a encore été relevé pour cette campagne."
    ),
    "{metric} on {platform} from {first} on {first_at} to {last} on {last_at}.": (
        "{metric} sur {platform} : de {first} le {first_at} à {last} le {last_at}."
    ),
    "views": "vues",
    "likes": "j'aime",
    "comments": "commentaires",
    "followers": "abonnés",
    "channel views": "vues de la chaîne",
    "reposts": "republications",
    "quotes": "citations",
    "saves": "enregistrements",
    "shares": "partages",
    "plays": "écoutes",
    "popularity": "popularité",
    "fans": "fans",
    # Engagement
    "{units} engagement units ÷ {followers} followers": "{units} unités d'engagement ÷ {followers} abonnés",
    "on {platforms}": "sur {platforms}",
    "Not available:": "Non disponible :",
    "Not available.": "Non disponible.",
    "Not available: no tracked platform has a follower count yet.": (
        "Non disponible : aucune plateforme suivie n'a encore de nombre d'abonnés."
    ),
    "Units and followers are counted over the same platforms. Left out:": (
        "Unités et abonnés sont comptés sur les mêmes plateformes. Laissées de côté :"
    ),
    "Weights version": "Pondération version",
    "effective from": "en vigueur depuis le",
    "source:": "source :",
    "Engagement units = net events × weight, summed over kinds": (
        "Unités d'engagement = événements nets × poids, additionnés sur les types"
    ),
    "Weight": "Poids",
    "Units": "Unités",
    "The summary names no weights.": "Le bilan ne nomme aucune pondération.",
    # Freshness
    "Newest data per platform for this campaign's items": (
        "Données les plus récentes par plateforme pour les éléments de cette campagne"
    ),
    "Platform": "Plateforme",
    "Last event": "Dernier événement",
    "Last pull": "Dernier relevé",
    "Last error": "Dernière erreur",
    "never": "jamais",
    "none": "aucune",
    "No platform has reported anything yet.": "Aucune plateforme n'a encore rien remonté.",
    # Top content
    "Content with the most net events; a link opens the platform's page.": (
        "Les contenus aux événements nets les plus nombreux ; un lien ouvre la page de la plateforme."
    ),
    "event": "événement",
    "events": "événements",
    "No content has events yet.": "Aucun contenu n'a encore d'événement.",
    # Consumption (contract section 12)
    "Consumption": "Consommation",
    "Imported reports of the artist's releases, {first} to {last}; each day by its rules.": (
        "Relevés importés des sorties de l'artiste, du {first} au {last} ; chaque jour selon ses règles."
    ),
    "Streams, sales and chart equivalents per release": (
        "Streams, ventes et équivalents des classements par sortie"
    ),
    "Release": "Sortie",
    "Premium streams": "Streams premium",
    "Ad-supported streams": "Streams financés par la publicité",
    "Downloads": "Téléchargements",
    "Physical units": "Ventes physiques",
    "Equivalents": "Équivalents",
    "SNEP certification": "Certification SNEP",
    "no level yet": "pas encore de niveau",
    "{progress} of {level}": "{progress} du niveau {level}",
    "No release of this artist is registered.": "Aucune sortie de cet artiste n'est enregistrée.",
    "album": "album",
    "EP": "EP",
    "single": "single",
    "Gold": "Or",
    "Platinum": "Platine",
    "Double Platinum": "Double Platine",
    "Triple Platinum": "Triple Platine",
    "Diamond": "Diamant",
    "album units": "ventes équivalent album",
    "stream equivalents": "équivalents streams",
    # Collisions
    "None: no other campaign of this label tracks the same accounts or content in an overlapping window, "
    "and no push is close to another campaign's on a shared platform.": (
        "Aucune : aucune autre campagne de ce label ne suit les mêmes comptes ou contenus sur une période "
        "qui chevauche celle-ci, et aucun push n'est proche de celui d'une autre campagne sur une même "
        "plateforme."
    ),
    "These campaigns count the same events too: figures of campaigns that share items must not be "
    "added up.": (
        "Ces campagnes comptent aussi les mêmes événements : les chiffres de campagnes qui partagent des "
        "éléments ne s'additionnent pas."
    ),
    "Campaigns of this label sharing tracked items in an overlapping window": (
        "Campagnes de ce label qui partagent des éléments suivis sur une période qui chevauche celle-ci"
    ),
    "Shared": "En commun",
    "account": "compte",
    "accounts": "comptes",
    "content": "contenu",
    "Push clashes": "Conflits de push",
    "This campaign's pushes near another campaign's push on a shared platform": (
        "Les pushs de cette campagne proches d'un push d'une autre campagne sur une même plateforme"
    ),
    "Our push": "Notre push",
    "Other push": "Autre push",
    "At": "Le",
    "Platforms": "Plateformes",
    "Hours apart": "Heures d'écart",
    # Tracked items
    "{n} list of ids": "{n} liste d'identifiants",
    "{n} lists of ids": "{n} listes d'identifiants",
    "Accounts and content this campaign counts": "Comptes et contenus que compte cette campagne",
    "Type": "Type",
    "Ids": "Identifiants",
    "Nothing is tracked yet.": "Rien n'est encore suivi.",
}

# French typography: a no-break space before a colon, a narrow one before a semicolon.
FRENCH: dict[str, str] = {
    english: french.replace(" :", "\u00a0:").replace(" ;", "\u202f;") for english, french in _WRITTEN.items()
}
