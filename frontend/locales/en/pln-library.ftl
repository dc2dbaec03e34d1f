# Resources, collections and circles (issue 5): remixes.
resource-based-on = Based on “{ $title }” by { $author } ({ $license })
resource-based-on-deleted = Based on a resource that was deleted: { $url }
resource-based-on-unknown = Based on { $url }
