# Page de consentement OAuth, masquer les compteurs, modifier un cercle, demandes traitées, connexion pour continuer.

## Consentement OAuth (/oauth/authorize)
oauth-title = Autoriser une application
oauth-wants-access = demande l’accès à votre compte.
oauth-permissions = Elle pourra :
oauth-sign-in = Connectez-vous pour autoriser
oauth-username = Nom d’utilisateur ou e-mail
oauth-password = Mot de passe
oauth-approve = Autoriser
oauth-deny = Refuser
oauth-wrong-login = Nom d’utilisateur ou mot de passe incorrect.
oauth-too-many-attempts = Trop de tentatives. Réessayez dans quelques minutes.
oauth-redirect-note = Après l’autorisation, vous serez renvoyé vers :
oauth-oob-note = une page affichant un code à copier dans l’application
oauth-code-title = Votre code d’autorisation
oauth-code-help = Copiez ce code et collez-le dans l’application. Il est valable dix minutes.
oauth-denied = Vous avez refusé l’accès. Vous pouvez fermer cette page.
oauth-error-title = Autorisation impossible
oauth-no-client-id = La demande n’a pas de client_id.
oauth-unknown-client = Cette application n’est pas enregistrée sur ce serveur (client_id inconnu). Demandez à l’application de s’enregistrer à nouveau.
oauth-unregistered-redirect = Cette redirect_uri n’est pas une de celles que l’application a enregistrées.
oauth-no-redirect = La demande n’a pas de redirect_uri et l’application en a enregistré plusieurs.
oauth-scope-read = lire les données de votre compte
oauth-scope-write = publier et modifier les données de votre compte
oauth-scope-follow = gérer vos abonnements, blocages et masquages
oauth-scope-push = recevoir des notifications push
oauth-scope-profile = connaître uniquement votre identité
oauth-scope-admin-read = lire les données d’administration
oauth-scope-admin-write = effectuer des actions d’administration

## Compteurs
profile-posts-count = { $posts ->
    [one] { $posts } publication
   *[other] { $posts } publications
}
post-counts = { $favourites ->
    [one] { $favourites } favori
   *[other] { $favourites } favoris
} · { $boosts ->
    [one] { $boosts } partage
   *[other] { $boosts } partages
}
counts-settings = Compteurs
counts-hide-mine = Masquer aux autres mes abonnés, mes abonnements et mes compteurs
counts-hide-mine-help = Les autres ne voient plus ici vos nombres d’abonnés, d’abonnements, de favoris et de partages, et vos listes d’abonnés et d’abonnements sont aussi masquées sur les autres serveurs.
counts-hide-all = Ne me montrer aucun compteur d’abonnés, de favoris ou de partages
counts-node-hides = Ce serveur masque les compteurs pour tout le monde.

## Modifier un cercle, parcourir ses membres
circle-edit = Modifier le cercle
circle-edit-submit = Enregistrer le cercle
circle-field-moderators = Modératrices et modérateurs
circle-field-moderators-help = Une adresse par ligne (nom ou nom@ce serveur). Ce doivent être des membres ; la personne qui a créé le cercle reste toujours modératrice.
circle-saved = Le cercle a été enregistré.
circle-more-requests = Plus de demandes d’adhésion
circle-more-members = Plus de membres

## Demandes traitées
request-accepted-notice = Demande acceptée.
request-rejected-notice = Demande refusée.

## Se connecter pour continuer
login-to-continue = Connectez-vous pour reprendre là où vous étiez.
