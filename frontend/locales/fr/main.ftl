# Interface web de Halqa, français.

## Cadre du site
skip-to-content = Aller au contenu
nav-label = Menu principal
nav-home = Accueil
nav-notifications = Notifications
nav-local = Ce serveur
nav-federated = Fédération
nav-profile = Mon profil
nav-settings = Paramètres
nav-logout = Se déconnecter
nav-login = Se connecter
nav-signup = S'inscrire
footer-language = Langue
footer-change-language = Changer
footer-about = Halqa · un réseau d'apprentissage professionnel pour les enseignants, sur le fédivers

## Accueil et fils
home-welcome = Halqa relie les enseignants d'un établissement et d'un serveur à l'autre : partagez des ressources, trouvez un accompagnement, apprenez ensemble.
timeline-home = Accueil
timeline-local = Publications de ce serveur
timeline-federated = Publications de la fédération
timeline-empty = Rien pour l'instant.
paging-label = Pages
older-posts = Publications plus anciennes

## Publications
boosted-by = { $name } a partagé
reply = Répondre
visibility-public = Public
visibility-unlisted = Non listé
visibility-private = Abonnés seulement
visibility-direct = Personnes mentionnées seulement
thread-heading = Conversation
thread-context = Plus tôt dans la conversation
thread-replies = Réponses

## Rédaction
compose-text = Que voulez-vous partager ?
compose-reply-label = Votre réponse
compose-cw = Avertissement de contenu (facultatif)
compose-visibility = Qui peut la voir
compose-submit = Publier
compose-empty = Écrivez quelque chose avant de publier.

## Profils et abonnements
profile-facets = Profil d'enseignant
profile-institution = Établissement :
profile-counts = { $posts } publications · { $followers } abonnés · { $following } abonnements
profile-follows-you = Vous suit
profile-posts = Publications
follow = Suivre
unfollow = Ne plus suivre
follow-cancel-request = Annuler la demande
follow-requested = Demande envoyée : en attente d'approbation.
remote-follow-heading = Suivre quelqu'un sur un autre serveur
remote-follow-label = Son adresse, par exemple user@example.org
remote-follow-submit = Trouver et suivre
remote-follow-not-found = Aucun compte n'a été trouvé à cette adresse.

## Connexion et inscription
login-heading = Connexion
login-username = Nom d'utilisateur ou e-mail
login-password = Mot de passe
login-submit = Se connecter
login-no-account = Pas encore de compte ? Inscrivez-vous
login-wrong = Le nom d'utilisateur ou le mot de passe est incorrect.
login-throttled = Trop de mots de passe erronés. Attendez quelques minutes et réessayez.
login-not-allowed = Ce compte ne peut pas se connecter pour le moment : il attend l'accord des modérateurs, n'a pas été accepté ou est désactivé.
signup-heading = Créer un compte
signup-username = Nom d'utilisateur
signup-username-help = Lettres minuscules, chiffres et _ (30 au plus).
signup-email = E-mail
signup-password = Mot de passe
signup-password-help = Au moins 8 caractères.
signup-submit = Créer mon compte
signup-have-account = Déjà un compte ? Connectez-vous
signup-username-taken = Ce nom d'utilisateur est déjà pris.
signup-email-taken = Cet e-mail est déjà inscrit.
signup-username-invalid = Le nom d'utilisateur ne peut contenir que des minuscules, des chiffres et _ (1 à 30).
signup-email-invalid = Cette adresse e-mail n'est pas valide.
signup-password-short = Le mot de passe doit compter au moins 8 caractères.
signup-closed = Ce serveur n'accepte pas de nouveaux comptes.
signup-reason = Pourquoi voulez-vous rejoindre ce serveur ? (lu par les modérateurs quand ce serveur valide les comptes)
signup-invite = Code d'invitation (si vous en avez un)
signup-pending = Votre compte a été créé. Les modérateurs de ce serveur vont l'examiner ; vous pourrez vous connecter une fois qu'il sera accepté.
signup-failed = Le compte n'a pas pu être créé.

## Notifications
notifications-heading = Notifications
notifications-empty = Aucune notification pour l'instant.
notif-follow = vous suit
notif-follow-request = demande à vous suivre
notif-favourite = a aimé votre publication
notif-reblog = a partagé votre publication
notif-mention = vous a mentionné
notif-status = a publié
notif-update = a modifié une publication
notif-poll = un sondage est terminé
notif-other = a fait quelque chose de nouveau
notif-many-follow = { $others ->
    [one] et une autre personne vous suivent
   *[other] et { $others } autres personnes vous suivent
}
notif-many-favourite = { $others ->
    [one] et une autre personne ont aimé votre publication
   *[other] et { $others } autres personnes ont aimé votre publication
}
notif-many-reblog = { $others ->
    [one] et une autre personne ont partagé votre publication
   *[other] et { $others } autres personnes ont partagé votre publication
}
notif-many-other = { $others ->
    [one] et une autre personne ont fait quelque chose de nouveau
   *[other] et { $others } autres personnes ont fait quelque chose de nouveau
}

## Paramètres
settings-heading = Paramètres
settings-saved = Vos paramètres ont été enregistrés.
settings-profile = Profil
settings-display-name = Nom affiché
settings-bio = À propos de vous
settings-facets = Profil d'enseignant
settings-stage = Parcours
settings-none = Non renseigné
settings-subjects = Disciplines
settings-levels = Niveaux
settings-teaching-languages = Langues d'enseignement
settings-teaching-languages-help = Codes de langue séparés par des virgules, par exemple ar, fr, tzm.
settings-region = Région
settings-open-to-mentor = Je suis disponible pour accompagner
settings-seeking-mentor = Je cherche un accompagnement
settings-interface = Interface
settings-language = Langue de l'interface
settings-language-browser = Celle de mon navigateur
settings-save = Enregistrer

## Erreurs
error-400 = Vérifiez ce que vous avez saisi.
error-401 = Connectez-vous d'abord.
error-403 = Vous n'avez pas le droit de faire cela.
error-404 = Cette page n'existe pas.
error-429 = Trop de requêtes. Patientez un instant.
error-500 = Une erreur s'est produite sur le serveur. Réessayez plus tard.
error-csrf = Ce formulaire a expiré ou ne vient pas de ce site. Revenez en arrière, rechargez la page et réessayez.
error-back-home = Retour à l'accueil

## Dates
date-time = { $day } { $month } { $year }, { $time }
month-1 = janv.
month-2 = févr.
month-3 = mars
month-4 = avr.
month-5 = mai
month-6 = juin
month-7 = juil.
month-8 = août
month-9 = sept.
month-10 = oct.
month-11 = nov.
month-12 = déc.

## Autorisation OAuth
oauth-signed-in-as = Connecté·e en tant que @{ $handle }.
