# Resources, collections and circles (issue 5): remixes, circle-owned collections.
resource-based-on = Based on “{ $title }” by { $author } ({ $license })
resource-based-on-deleted = Based on a resource that was deleted: { $url }
resource-based-on-unknown = Based on { $url }
collection-owned-by-circle = A collection of the circle { $circle }
