## Pages d'administration (issue 7) : tableau de bord, inscriptions, comptes, signalements,
## politique de fédération, réglages, invitations, journal ; l'avertissement dans les notifications.

nav-admin = Administration
admin-forbidden = Cette page est réservée aux modérateurs et aux administrateurs du nœud.
admin-nav-label = Administration
admin-done = C'est fait.
admin-dashboard = Tableau de bord
admin-registrations = Inscriptions à approuver
admin-accounts = Comptes
admin-reports = Signalements
admin-federation = Fédération
admin-settings = Réglages du nœud
admin-invites = Invitations
admin-audit = Journal de modération
admin-none = Aucun.
admin-more = Suite
admin-yes = Oui
admin-no = Non
admin-save = Enregistrer
admin-add = Ajouter
admin-remove = Retirer
admin-search = Chercher
admin-any = Tous
admin-local = Ce nœud
admin-remote = Un autre serveur
admin-cli = Ligne de commande

admin-waiting = En attente
admin-pending-count = { $count ->
    [one] Une inscription à approuver
   *[other] { $count } inscriptions à approuver
}
admin-open-reports-count = { $count ->
    [one] Un signalement ouvert
   *[other] { $count } signalements ouverts
}
admin-activity = Activité
admin-active-week = Utilisateurs actifs (7 jours)
admin-active-month = Utilisateurs actifs (30 jours)
admin-sign-ups-week = Inscriptions (7 jours)
admin-sign-ups-month = Inscriptions (30 jours)
admin-posts-week = Publications (7 jours)
admin-local-posts = Publications sur ce nœud
admin-pln = Réseau d'apprentissage professionnel
admin-offers-open = Offres de mentorat ouvertes
admin-requests-pending = Demandes de mentorat en attente
admin-mentorships-active = Mentorats en cours
admin-resources-shared = Ressources partagées
admin-known-nodes = Nœuds connus par type d'établissement
admin-delivery-queue = File d'envoi
admin-failing-hosts = Serveurs qui ne répondent pas

admin-email = Courriel
admin-signed-up = Inscrit le
admin-reason = Pourquoi rejoindre
admin-no-reason = Aucune raison donnée.
admin-approve = Approuver
admin-reject = Refuser
admin-note = Note pour les modérateurs
admin-note-help = Gardée dans le journal ; l'utilisateur ne la voit pas.
admin-no-pending = Aucune inscription en attente.

admin-search-accounts = Nom, ou nom@serveur
admin-state = État
admin-origin = Où
admin-account = Compte
admin-role = Rôle
admin-no-accounts = Aucun compte ne correspond.
admin-state-active = Actif
admin-state-pending = En attente d'approbation
admin-state-disabled = Connexion désactivée
admin-state-silenced = Limité
admin-state-suspended = Suspendu
admin-state-staff = Équipe
admin-state-deleted = Supprimé
admin-state-rejected = Non approuvé
admin-role-admin = Administrateur
admin-role-moderator = Modérateur
admin-role-user = Utilisateur
admin-profile = Profil
admin-act = Agir
admin-action = Action
admin-action-none = Avertissement seulement
admin-action-silence = Limiter (hors des fils publics)
admin-action-disable = Désactiver la connexion
admin-action-suspend = Suspendre
admin-message = Message à l'utilisateur (facultatif)
admin-message-help = Remis comme une notification de la part des modérateurs.
admin-apply = Appliquer
admin-undo = Lever
admin-unsilence = Lever la limitation
admin-enable = Réactiver la connexion
admin-unsuspend = Lever la suspension
admin-change-role = Changer le rôle
admin-reports-about = Signalements visant ce compte

admin-open-reports = Ouverts
admin-resolved-reports = Traités
admin-report-about = Signalement de @{ $handle }
admin-reported-by = par @{ $handle }
admin-assigned-to = pris par @{ $handle }
admin-posts-count = { $count ->
    [0] aucune publication
    [one] une publication
   *[other] { $count } publications
}
admin-no-reports = Aucun signalement ici.
admin-reporter = Signalé par
admin-category = Catégorie
admin-category-spam = Spam
admin-category-legal = Contenu illégal
admin-category-violation = Enfreint les règles
admin-category-other = Autre
admin-received = Reçu le
admin-open = Ouvert
admin-resolved = Traité
admin-assigned = Pris par
admin-nobody = Personne
admin-earlier-reports = Autres signalements visant ce compte
admin-forwarded = Transmis à son serveur
admin-comment = Commentaire
admin-reported-posts = Publications signalées
admin-no-posts = Aucune publication jointe.
admin-posts-gone = { $count ->
    [one] Une publication signalée a déjà disparu.
   *[other] { $count } publications signalées ont déjà disparu.
}
admin-report-dismiss = Classer (rien à faire)
admin-report-delete = Supprimer les publications signalées
admin-resolve = Traiter
admin-reopen = Rouvrir
admin-assign-to-me = Le prendre
admin-unassign = Le laisser
admin-forward = Transmettre à son serveur

admin-read-only = Seuls les administrateurs modifient la politique de fédération.
admin-fed-mode = Mode
admin-fed-mode-open = Ouvert : fédérer avec tous sauf les domaines bloqués
admin-fed-mode-allowlist = Liste d'autorisation : fédérer seulement avec les domaines listés
admin-fed-effective = En vigueur : { $blocks } bloqués, { $allows } autorisés
admin-fed-blocks = Domaines bloqués et limités
admin-fed-allows = Domaines autorisés
admin-fed-add-block = Bloquer ou limiter un domaine
admin-fed-add-allow = Autoriser un domaine
admin-domain = Domaine
admin-severity = Sévérité
admin-severity-suspend = Bloquer (tout refuser, effacer leurs données)
admin-severity-silence = Limiter (pas de fils publics, abonnements à approuver)
admin-severity-noop = Options seulement
admin-flags = En plus
admin-reject-media = Refuser les médias
admin-reject-reports = Refuser les signalements
admin-source = Origine
admin-private-comment = Commentaire privé
admin-public-comment = Commentaire public
admin-unblock-domain = Retirer l'entrée de { $domain }
admin-fed-subscriptions = Listes suivies
admin-fed-subscriptions-help = Listes publiées par d'autres nœuds, relues régulièrement et fusionnées avec les entrées de ce nœud ; les entrées de ce nœud l'emportent, puis la priorité la plus haute.
admin-fed-list-block = Liste de blocage
admin-fed-list-allow = Liste d'autorisation
admin-priority = Priorité
admin-priority-help = De -1000 à 1000 ; la plus haute l'emporte sur les autres listes.
admin-entries-count = { $count ->
    [one] une entrée
   *[other] { $count } entrées
}
admin-fetched = relue le { $at }
admin-refresh = Relire maintenant
admin-unsubscribe = Ne plus suivre
admin-fed-subscribe = Suivre une liste
admin-list-url = Adresse de la liste
admin-list-kind = Type de liste
admin-title = Titre
admin-subscribe = Suivre

admin-set-node = Le nœud
admin-set-name = Nom
admin-set-description = Description
admin-set-contact = Courriel de contact
admin-set-default-language = Langue par défaut
admin-set-rules = Règles
admin-set-rules-help = Une règle par ligne.
admin-set-posting = Publication
admin-set-hide-counts = Masquer les nombres de j'aime, de partages et d'abonnés sur tout le nœud
admin-set-max-characters = Nombre maximal de caractères d'une publication
admin-set-max-media = Nombre maximal de pièces jointes
admin-set-max-image-bytes = Taille maximale d'une image (octets)
admin-set-registrations = Inscriptions
admin-set-registrations-mode = Qui peut s'inscrire
admin-reg-mode-open = Tout le monde
admin-reg-mode-approval = Tout le monde, après approbation d'un modérateur
admin-reg-mode-invite = Seulement sur invitation
admin-reg-mode-closed = Personne (l'administrateur crée les comptes)
admin-set-email-domains = Domaines de courriel autorisés
admin-set-email-domains-help = Séparés par des virgules, par ex. ens.ac.ma, crmef.ma ; vide : toute adresse.
admin-set-registrations-message = Message aux personnes qui voudraient s'inscrire
admin-institution = Profil de l'établissement
admin-institution-kind = Type d'établissement
admin-institution-region = Région
admin-institution-city = Ville
admin-institution-languages = Langues de travail (codes, par ex. ar, fr)

admin-invite-create = Créer une invitation
admin-invite-max-uses = Nombre d'utilisations
admin-invite-max-uses-help = Vide : illimité.
admin-invite-expires = Expire
admin-invite-link = Lien
admin-invite-uses = Utilisations
admin-invite-live = Valide
admin-invite-expired = Expirée
admin-invite-used-up = Épuisée
admin-invite-revoked = Révoquée
admin-revoke = Révoquer
admin-never = Jamais
admin-expiry-0 = Jamais
admin-expiry-1800 = Dans 30 minutes
admin-expiry-21600 = Dans 6 heures
admin-expiry-86400 = Dans un jour
admin-expiry-604800 = Dans une semaine
admin-expiry-2592000 = Dans 30 jours

admin-when = Quand
admin-who = Qui
admin-what = Quoi
admin-target = Sur

notif-moderation-warning = vous a transmis un message des modérateurs
warning-action-none = Un avertissement des modérateurs :
warning-action-disable = Les modérateurs ont désactivé votre connexion :
warning-action-silence = Les modérateurs ont limité votre compte :
warning-action-suspend = Les modérateurs ont suspendu votre compte :
warning-action-delete_statuses = Les modérateurs ont supprimé certaines de vos publications :
