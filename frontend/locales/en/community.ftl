# Circles, collections, institutions, composer images and remote follow (web pages).
nav-circles = Circles
community-links-label = Community
community-my-collections = My collections
community-institutions = Institutions

circle-kind = Circle
circle-visibility-public = Open to all
circle-visibility-approval = Members approved by moderators
circle-members-count = { $count ->
    [one] { $count } member
   *[other] { $count } members
}
circle-rules = Rules
circle-you-are-member = You are a member of this circle.
circle-leave = Leave the circle
circle-request-sent = Request sent: a moderator will answer it.
circle-cancel-request = Cancel the request
circle-join = Join the circle
circle-ask-to-join = Ask to join
circle-login-to-join = Log in to join this circle
circle-post-label = Post to this circle
circle-post-submit = Post to the circle
circle-requests = Join requests
circle-no-requests = No pending requests.
circle-accept = Accept
circle-reject = Reject
circle-members = Members
circle-remove-member = Remove from the circle
circle-remove-post = Remove this post from the circle
circle-posts = Posts in this circle
circles-heading = Circles
circles-create = Create a circle
circles-search = Search circles
circles-local-only = Only this server's circles
circles-search-submit = Search
circles-empty = No circles found.
circles-more = More circles
circle-new-heading = Create a circle
circle-field-name = Address (letters, digits and _)
circle-field-name-help = The circle's address will be name@this-server; it cannot change later.
circle-field-display-name = Name
circle-field-description = Description
circle-field-visibility = Who can join
circle-create-submit = Create the circle

collection-visibility-public = Public
collection-visibility-approval = Followers approved by the curator
collection-visibility-private = Private (only you)
collection-items-count = { $count ->
    [one] { $count } resource
   *[other] { $count } resources
}
collection-follow = Follow this collection
collection-unfollow = Unfollow
collection-cancel-request = Cancel the request
collection-follow-pending = Follow request sent: waiting for the curator's approval.
collection-following = You follow this collection.
collection-items = Resources
collection-item-deleted = deleted
collection-move-up-label = Move “{ $title }” up
collection-move-down-label = Move “{ $title }” down
collection-remove-item = Remove
collection-empty = This collection is empty.
collection-items-for-followers = The resources of this collection are shown to the followers its curator approved.
collection-add-heading = Add a resource
collection-add-resource = The resource's address (or its number here)
collection-add-note = Note (optional)
collection-add-submit = Add to the collection
collection-requests = Follow requests
collection-edit-heading = Edit the collection
collection-field-title = Title
collection-field-description = Description
collection-field-visibility = Who can see it
collection-save = Save
collections-heading = My collections
collections-empty = You have no collections yet.
collections-create = Create a collection
collections-create-submit = Create the collection
collection-add-to-heading = Add to a collection
collection-add-to-label = Collection
collection-add-to-submit = Add

institutions-heading = Institutions
institutions-search = Search institutions
institutions-kind = Kind
institutions-any-kind = Any kind
institutions-this-node = this server
institutions-empty = No institutions found.
institutions-next = Next institutions
institutions-previous = Previous institutions
institution-city = City
institution-users = Accounts
institution-software = Software
institution-actor = Follow this institution from a fediverse app

compose-images = Images (up to 4)
compose-image-n = Image { $n }
compose-image-file = File
compose-image-alt = Description for people who cannot see it (alt text)

remote-follow-from-heading = Follow from another server
remote-follow-from-label = Your address, like user@your-server.org
remote-follow-from-submit = Go to my server
remote-follow-failed = Your server could not be reached or does not offer this.
interaction-not-found = Nothing was found at that address.
