# OAuth consent page, hiding counts, editing a circle, answered requests, logging in to continue.

## OAuth consent (/oauth/authorize)
oauth-title = Authorize an application
oauth-wants-access = wants to access your account.
oauth-permissions = It will be able to:
oauth-sign-in = Sign in to approve
oauth-username = Username or email
oauth-password = Password
oauth-approve = Authorize
oauth-deny = Deny
oauth-wrong-login = The username or password is wrong.
oauth-too-many-attempts = Too many attempts. Try again in a few minutes.
oauth-redirect-note = After approving you will be sent to:
oauth-oob-note = a page showing a code to copy into the app
oauth-code-title = Your authorization code
oauth-code-help = Copy this code and paste it into the app. It works for ten minutes.
oauth-denied = You denied access. You can close this page.
oauth-error-title = Authorization failed
oauth-no-client-id = The request has no client_id.
oauth-unknown-client = This application is not registered on this server (unknown client_id). Ask the app to register again.
oauth-unregistered-redirect = The redirect_uri is not one this application registered.
oauth-no-redirect = The request has no redirect_uri and the application registered several.
oauth-scope-read = read your account's data
oauth-scope-write = post and change your account's data
oauth-scope-follow = manage your follows, blocks and mutes
oauth-scope-push = receive push notifications
oauth-scope-profile = know who you are, nothing more
oauth-scope-admin-read = read administration data
oauth-scope-admin-write = take administration actions

## Counts
profile-posts-count = { $posts ->
    [one] { $posts } post
   *[other] { $posts } posts
}
post-counts = { $favourites ->
    [one] { $favourites } favourite
   *[other] { $favourites } favourites
} · { $boosts ->
    [one] { $boosts } boost
   *[other] { $boosts } boosts
}
counts-settings = Counts
counts-hide-mine = Hide my followers, the accounts I follow and my counts from others
counts-hide-mine-help = Others no longer see your follower, following, favourite and boost numbers here, and your lists of followers and followed accounts are hidden on other servers too.
counts-hide-all = Show me no follower, favourite or boost counts
counts-node-hides = This server hides counts for everyone.

## Editing a circle, paging its people
circle-edit = Edit the circle
circle-edit-submit = Save the circle
circle-field-moderators = Moderators
circle-field-moderators-help = One address per line (name or name@this server). They must be members; the creator always stays a moderator.
circle-saved = The circle was saved.
circle-more-requests = More join requests
circle-more-members = More members

## Answered requests
request-accepted-notice = Request accepted.
request-rejected-notice = Request declined.

## Logging in to continue
login-to-continue = Log in to continue where you were.
