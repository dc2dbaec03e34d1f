# Cercles, collections, établissements, images du compositeur et suivi à distance (pages web).
nav-circles = Cercles
community-links-label = Communauté
community-my-collections = Mes collections
community-institutions = Établissements

circle-kind = Cercle
circle-visibility-public = Ouvert à tous
circle-visibility-approval = Membres acceptés par les modérateurs
circle-members-count = { $count ->
    [one] { $count } membre
   *[other] { $count } membres
}
circle-rules = Règles
circle-you-are-member = Vous êtes membre de ce cercle.
circle-leave = Quitter le cercle
circle-request-sent = Demande envoyée : un modérateur y répondra.
circle-cancel-request = Annuler la demande
circle-join = Rejoindre le cercle
circle-ask-to-join = Demander à rejoindre
circle-login-to-join = Connectez-vous pour rejoindre ce cercle
circle-post-label = Publier dans ce cercle
circle-post-submit = Publier dans le cercle
circle-requests = Demandes d’adhésion
circle-no-requests = Aucune demande en attente.
circle-accept = Accepter
circle-reject = Refuser
circle-members = Membres
circle-remove-member = Retirer du cercle
circle-remove-post = Retirer cette publication du cercle
circle-posts = Publications du cercle
circles-heading = Cercles
circles-create = Créer un cercle
circles-search = Chercher des cercles
circles-local-only = Seulement les cercles de ce serveur
circles-search-submit = Chercher
circles-empty = Aucun cercle trouvé.
circles-more = Plus de cercles
circle-new-heading = Créer un cercle
circle-field-name = Adresse (lettres, chiffres et _)
circle-field-name-help = L’adresse du cercle sera nom@ce-serveur ; elle ne pourra plus changer.
circle-field-display-name = Nom
circle-field-description = Description
circle-field-visibility = Qui peut rejoindre
circle-create-submit = Créer le cercle

collection-visibility-public = Publique
collection-visibility-approval = Abonnés acceptés par le curateur
collection-visibility-private = Privée (vous seul)
collection-items-count = { $count ->
    [one] { $count } ressource
   *[other] { $count } ressources
}
collection-follow = Suivre cette collection
collection-unfollow = Ne plus suivre
collection-cancel-request = Annuler la demande
collection-follow-pending = Demande envoyée : en attente de l’accord du curateur.
collection-following = Vous suivez cette collection.
collection-items = Ressources
collection-item-deleted = supprimée
collection-move-up-label = Monter « { $title } »
collection-move-down-label = Descendre « { $title } »
collection-remove-item = Retirer
collection-empty = Cette collection est vide.
collection-items-for-followers = Les ressources de cette collection sont montrées aux abonnés acceptés par son curateur.
collection-add-heading = Ajouter une ressource
collection-add-resource = L’adresse de la ressource (ou son numéro ici)
collection-add-note = Note (facultative)
collection-add-submit = Ajouter à la collection
collection-requests = Demandes d’abonnement
collection-edit-heading = Modifier la collection
collection-field-title = Titre
collection-field-description = Description
collection-field-visibility = Qui peut la voir
collection-save = Enregistrer
collections-heading = Mes collections
collections-empty = Vous n’avez pas encore de collection.
collections-create = Créer une collection
collections-create-submit = Créer la collection
collection-add-to-heading = Ajouter à une collection
collection-add-to-label = Collection
collection-add-to-submit = Ajouter

institutions-heading = Établissements
institutions-search = Chercher des établissements
institutions-kind = Type
institutions-any-kind = Tous les types
institutions-this-node = ce serveur
institutions-empty = Aucun établissement trouvé.
institutions-next = Établissements suivants
institutions-previous = Établissements précédents
institution-city = Ville
institution-users = Comptes
institution-software = Logiciel
institution-actor = Suivre cet établissement depuis une application du fédivers

compose-images = Images (jusqu’à 4)
compose-image-n = Image { $n }
compose-image-file = Fichier
compose-image-alt = Description pour les personnes qui ne la voient pas (texte alternatif)

remote-follow-from-heading = Suivre depuis un autre serveur
remote-follow-from-label = Votre adresse, comme utilisateur@votre-serveur.org
remote-follow-from-submit = Aller sur mon serveur
remote-follow-failed = Votre serveur est injoignable ou ne propose pas cela.
interaction-not-found = Rien n’a été trouvé à cette adresse.
