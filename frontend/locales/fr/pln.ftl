# Interface web de Halqa, français : pages de recherche, de mentorat et de ressources.

## Navigation et mots communs des formulaires
nav-search = Recherche
nav-mentorship = Mentorat
form-save = Enregistrer
form-cancel = Annuler
pln-error-field = Vérifiez ce champ : { $field }.
pln-error-form = Cette action n'a pas pu aboutir.
pln-kind-accounts = Personnes
pln-kind-statuses = Publications
pln-kind-hashtags = Mots-clés
pln-kind-resources = Ressources
pln-kind-offers = Offres de mentorat
pln-kind-collections = Collections
pln-kind-circles = Cercles
pln-lang-ar = Arabe
pln-lang-fr = Français
pln-lang-en = Anglais
pln-lang-zgh = Amazighe
pln-lang-es = Espagnol

## Noms des champs
pln-field-title = Titre
pln-field-description = Description
pln-field-body = Contenu
pln-field-license = Licence
pln-field-resource-type = Type de ressource
pln-field-subjects = Matières
pln-field-levels = Cycles
pln-field-languages = Langues
pln-field-duration = Durée
pln-field-prerequisites = Prérequis
pln-field-links = Liens
pln-field-based-on = Inspirée de (adresse de l'original)
pln-field-attachments = Fichiers
pln-field-format = Modalité
pln-field-region = Région
pln-field-capacity = Nombre de mentorés
pln-field-starts-at = Début
pln-field-ends-at = Fin
pln-field-message = Message
pln-field-goals = Objectifs
pln-field-notes = Notes
pln-field-date = Date

## Recherche
search-heading = Recherche
search-label = Rechercher
search-help = Des mots, un #motclé, utilisateur@serveur, ou l'adresse d'une publication, d'une ressource ou d'une offre.
search-type = Chercher dans
search-type-all = Tout
search-filters = Filtres
search-filters-help = La licence et le type de ressource ne filtrent que les ressources.
search-any = Indifférent
search-submit = Rechercher
search-none = Aucun résultat.
search-more = Voir plus
search-next = Page suivante

## Annuaire du mentorat
mentorship-heading = Mentorat
mentorship-intro = Des enseignants du réseau proposent d'accompagner stagiaires et nouveaux enseignants. Trouvez l'offre qui vous convient et envoyez une demande.
mentorship-new-offer = Proposer un mentorat
mentorship-my-requests = Mes demandes et mentorats
mentorship-login-to-request = Connectez-vous pour demander un mentorat
mentorship-suggestions = Suggestions pour vous
mentorship-why = Pourquoi :
mentorship-directory = Toutes les offres
mentorship-open-only = Seulement les offres avec des places
mentorship-none = Aucune offre ne correspond.

## Page d'une offre
offer-starts = Début :
offer-ends = Fin :
offer-original = Sur son serveur
offer-manage = Votre offre
offer-edit = Modifier l'offre
offer-close = Clore l'offre
offer-close-help = Plus de nouvelles demandes ; les mentorats en cours continuent.
offer-incoming = Demandes en attente de votre réponse
offer-no-requests = Aucune demande en attente.
offer-your-request = Votre demande
offer-full = Toutes les places de cette offre sont prises.
offer-closed = Cette offre est close.
request-heading = Demander ce mentorat
request-message = Présentez-vous et dites ce que vous espérez
request-goals = Objectifs
request-goals-help = Un objectif par ligne (facultatif).
request-submit = Envoyer la demande
request-waiting = Votre demande a été envoyée ; elle attend la réponse du mentor.
request-withdraw = Retirer la demande
request-accepted = Votre demande a été acceptée.
request-accept = Accepter
request-decline = Refuser
request-decline-reason = Motif (facultatif)
request-reason = Motif :
request-state-pending = En attente de réponse
request-state-accepted = Acceptée
request-state-declined = Refusée
request-state-withdrawn = Retirée

## Formulaire d'offre
offer-form-new = Proposer un mentorat
offer-form-edit = Modifier l'offre
offer-form-description-help = Pour qui, comment vous travaillerez ensemble, à quel rythme.
offer-form-format-default = En ligne (par défaut)
offer-form-publish = Publier l'offre

## Mes demandes
requests-heading = Mes demandes et mentorats
requests-mentorships = Mes mentorats
requests-mentoring = Vous accompagnez { $name }
requests-mentored-by = { $name } vous accompagne
requests-no-mentorships = Pas encore de mentorat.
requests-received = Demandes reçues
requests-none-received = Aucune demande reçue.
requests-sent = Demandes envoyées
requests-none-sent = Vous n'avez demandé aucun mentorat.
requests-my-offers = Mes offres
requests-no-offers = Vous n'avez publié aucune offre.

## Espace d'un mentorat
space-heading = Mentorat avec { $name }
space-you-mentor = Vous accompagnez
space-you-mentee = Votre mentor :
space-private = Vous seuls, tous les deux, voyez cette page.
space-not-yours = Cet espace de mentorat est réservé au mentor et au mentoré.
space-open = Ouvrir l'espace du mentorat
space-ended = Ce mentorat est terminé.
space-goals = Objectifs
space-no-goals = Pas encore d'objectif.
space-goal-done = atteint
space-goal-open = en cours
space-goal-tick = Marquer comme atteint
space-goal-reopen = Marquer comme non atteint
space-goal-new = Nouvel objectif
space-goal-add = Ajouter
space-meetings = Journal des rencontres
space-no-meetings = Aucune rencontre notée.
space-log-meeting = Noter une rencontre
space-meeting-date = Date
space-meeting-notes = Notes
space-next-steps = Prochaines étapes :
space-meeting-save = Enregistrer la rencontre
space-thread = Messages privés
space-no-messages = Pas encore de message.
space-message = Votre message
space-send = Envoyer
space-end = Terminer le mentorat
space-reflection = Quelques mots pour l'autre (facultatif)
space-end-submit = Terminer le mentorat

## Ressources
resource-edit = Modifier
resource-delete = Supprimer
resource-form-new = Partager une ressource
resource-form-edit = Modifier la ressource
resource-form-body-help = Markdown : **gras**, *italique*, listes avec -, liens [texte](https://…).
resource-form-choose = Choisir…
resource-form-duration-help = En minutes (45) ou en toutes lettres (deux séances).
resource-form-one-per-line = Un par ligne.
resource-form-links-help = Un par ligne : l'adresse, puis son titre.
resource-form-files-kept = Fichiers joints (décochez pour retirer)
resource-form-files-help = PDF, documents bureautiques, EPUB, texte, images, audio ou vidéo.
resource-form-publish = Publier la ressource
resource-delete-heading = Supprimer cette ressource ?
resource-delete-question = Vous allez supprimer :
resource-delete-help = Elle disparaît de ce serveur et les autres serveurs sont priés de la retirer. C'est définitif.
resource-delete-confirm = Supprimer définitivement
