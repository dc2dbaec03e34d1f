# Réglages du compte : valeurs par défaut, confidentialité, export ; liens de réinitialisation ; consentement OAuth.
account-posting = Publication par défaut
account-privacy-default = Qui voit mes publications par défaut
account-sensitive-default = Marquer mes médias comme sensibles par défaut
account-post-language = Langue de mes publications
account-post-language-help = Un code de langue comme ar, fr ou en ; laissez vide pour laisser l’application choisir.
account-default-license = Licence par défaut de mes ressources
account-default-license-help = Les nouvelles ressources reçoivent cette licence, sauf si vous en choisissez une autre.
account-privacy = Confidentialité
account-locked = Approuver les abonnés manuellement (compte verrouillé)
account-discoverable = Afficher mon compte dans l’annuaire et les suggestions de recherche
account-export = Exporter vos données
account-export-help = Téléchargez vos données en fichiers CSV que Mastodon et d’autres serveurs savent importer.
account-export-following = Comptes que vous suivez
account-export-lists = Vos listes
account-export-blocks = Comptes que vous bloquez
account-export-mutes = Comptes que vous masquez
account-export-bookmarks = Vos signets
