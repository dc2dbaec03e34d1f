# Halqa web interface, English.

## Site frame
skip-to-content = Skip to content
nav-label = Main menu
nav-home = Home
nav-notifications = Notifications
nav-local = This server
nav-federated = Federated
nav-profile = My profile
nav-settings = Settings
nav-logout = Log out
nav-login = Log in
nav-signup = Sign up
footer-language = Language
footer-change-language = Change
footer-about = Halqa · a professional learning network for teachers, on the fediverse

## Home and timelines
home-welcome = Halqa connects teachers across schools and servers: share resources, find a mentor, learn together.
timeline-home = Home
timeline-local = Posts on this server
timeline-federated = Posts from the federation
timeline-empty = Nothing here yet.
paging-label = Pages
older-posts = Older posts

## Posts
boosted-by = { $name } boosted
reply = Reply
visibility-public = Public
visibility-unlisted = Unlisted
visibility-private = Followers only
visibility-direct = Mentioned people only
thread-heading = Conversation
thread-context = Earlier in the conversation
thread-replies = Replies

## Composer
compose-text = What would you like to share?
compose-reply-label = Your reply
compose-cw = Content warning (optional)
compose-visibility = Who can see it
compose-submit = Publish
compose-empty = Write something before publishing.

## Profiles and following
profile-facets = Teaching profile
profile-institution = Institution:
profile-counts = { $posts } posts · { $followers } followers · { $following } following
profile-follows-you = Follows you
profile-posts = Posts
follow = Follow
unfollow = Unfollow
follow-cancel-request = Cancel follow request
follow-requested = Follow request sent: waiting for approval.
remote-follow-heading = Follow someone on another server
remote-follow-label = Their address, like user@example.org
remote-follow-submit = Find and follow
remote-follow-not-found = No account was found at that address.

## Log in and sign up
login-heading = Log in
login-username = Username or email
login-password = Password
login-submit = Log in
login-no-account = No account yet? Sign up
login-wrong = The username or password is wrong.
login-throttled = Too many wrong passwords. Wait a few minutes and try again.
login-not-allowed = This account cannot log in now: it is waiting for the moderators' approval, was not approved, or is disabled.
signup-heading = Create an account
signup-username = Username
signup-username-help = Lowercase letters, digits and _ (at most 30).
signup-email = Email
signup-password = Password
signup-password-help = At least 8 characters.
signup-submit = Create my account
signup-have-account = Already have an account? Log in
signup-username-taken = This username is taken.
signup-email-taken = This email is already registered.
signup-username-invalid = The username may use only lowercase letters, digits and _ (1 to 30).
signup-email-invalid = This is not a valid email address.
signup-password-short = The password must have at least 8 characters.
signup-closed = This server is not accepting new accounts.
signup-reason = Why do you want to join? (read by the moderators when this server approves accounts)
signup-invite = Invite code (if you have one)
signup-pending = Your account was created. The moderators of this server will review it; you can log in once it is approved.
signup-failed = The account could not be created.

## Notifications
notifications-heading = Notifications
notifications-empty = No notifications yet.
notif-follow = followed you
notif-follow-request = asked to follow you
notif-favourite = liked your post
notif-reblog = boosted your post
notif-mention = mentioned you
notif-status = published a post
notif-update = edited a post
notif-poll = a poll ended
notif-other = did something new
notif-many-follow = { $others ->
    [one] and one other followed you
   *[other] and { $others } others followed you
}
notif-many-favourite = { $others ->
    [one] and one other liked your post
   *[other] and { $others } others liked your post
}
notif-many-reblog = { $others ->
    [one] and one other boosted your post
   *[other] and { $others } others boosted your post
}
notif-many-other = { $others ->
    [one] and one other did something new
   *[other] and { $others } others did something new
}

## Settings
settings-heading = Settings
settings-saved = Your settings were saved.
settings-profile = Profile
settings-display-name = Display name
settings-bio = About you
settings-facets = Teaching profile
settings-stage = Career stage
settings-none = Not set
settings-subjects = Subjects
settings-levels = Levels
settings-teaching-languages = Teaching languages
settings-teaching-languages-help = Language codes separated by commas, like ar, fr, tzm.
settings-region = Region
settings-open-to-mentor = I am open to mentoring
settings-seeking-mentor = I am looking for a mentor
settings-interface = Interface
settings-language = Interface language
settings-language-browser = Same as my browser
settings-save = Save

## Errors
error-400 = Please check what you entered.
error-401 = Please log in first.
error-403 = You are not allowed to do this.
error-404 = This page does not exist.
error-429 = Too many requests. Please wait a moment.
error-500 = Something went wrong on the server. Please try again later.
error-csrf = This form has expired or did not come from this site. Go back, reload the page and try again.
error-back-home = Back to the home page

## Dates
date-time = { $day } { $month } { $year }, { $time }
month-1 = Jan
month-2 = Feb
month-3 = Mar
month-4 = Apr
month-5 = May
month-6 = Jun
month-7 = Jul
month-8 = Aug
month-9 = Sep
month-10 = Oct
month-11 = Nov
month-12 = Dec

## OAuth consent
oauth-signed-in-as = Signed in as @{ $handle }.
