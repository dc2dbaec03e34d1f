# Ressources, collections et cercles (ticket 5) : remix.
resource-based-on = D'après « { $title } » de { $author } ({ $license })
resource-based-on-deleted = D'après une ressource supprimée : { $url }
resource-based-on-unknown = D'après { $url }
