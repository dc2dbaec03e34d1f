## Admin pages (issue 7): dashboard, registrations, accounts, reports, federation policy,
## settings, invites, audit log; the moderation warning in notifications.

nav-admin = Administration
admin-forbidden = This page is for the node's moderators and administrators.
admin-nav-label = Administration
admin-done = Done.
admin-dashboard = Dashboard
admin-registrations = Sign-ups to approve
admin-accounts = Accounts
admin-reports = Reports
admin-federation = Federation
admin-settings = Node settings
admin-invites = Invites
admin-audit = Audit log
admin-none = None.
admin-more = More
admin-yes = Yes
admin-no = No
admin-save = Save
admin-add = Add
admin-remove = Remove
admin-search = Search
admin-any = Any
admin-local = This node
admin-remote = Another server
admin-cli = Command line

admin-waiting = Waiting for you
admin-pending-count = { $count ->
    [one] One sign-up to approve
   *[other] { $count } sign-ups to approve
}
admin-open-reports-count = { $count ->
    [one] One open report
   *[other] { $count } open reports
}
admin-activity = Activity
admin-active-week = Active users (7 days)
admin-active-month = Active users (30 days)
admin-sign-ups-week = Sign-ups (7 days)
admin-sign-ups-month = Sign-ups (30 days)
admin-posts-week = Posts (7 days)
admin-local-posts = Posts on this node
admin-pln = Professional learning network
admin-offers-open = Open mentorship offers
admin-requests-pending = Mentorship requests waiting
admin-mentorships-active = Active mentorships
admin-resources-shared = Resources shared
admin-known-nodes = Known nodes by institution kind
admin-delivery-queue = Delivery queue
admin-failing-hosts = Servers not answering

admin-email = Email
admin-signed-up = Signed up
admin-reason = Why they want to join
admin-no-reason = No reason given.
admin-approve = Approve
admin-reject = Reject
admin-note = Note for the moderators
admin-note-help = Kept in the audit log; the user does not see it.
admin-no-pending = No sign-up is waiting.

admin-search-accounts = Name, or name@server
admin-state = State
admin-origin = Where
admin-account = Account
admin-role = Role
admin-no-accounts = No account matches.
admin-state-active = Active
admin-state-pending = Waiting for approval
admin-state-disabled = Login disabled
admin-state-silenced = Limited
admin-state-suspended = Suspended
admin-state-staff = Staff
admin-state-deleted = Deleted
admin-state-rejected = Not approved
admin-role-admin = Administrator
admin-role-moderator = Moderator
admin-role-user = User
admin-profile = Profile
admin-act = Act
admin-action = Action
admin-action-none = Warning only
admin-action-silence = Limit (out of public timelines)
admin-action-disable = Disable login
admin-action-suspend = Suspend
admin-message = Message to the user (optional)
admin-message-help = Delivered as a notification from the moderators.
admin-apply = Apply
admin-undo = Lift
admin-unsilence = Lift the limit
admin-enable = Enable login
admin-unsuspend = Lift the suspension
admin-change-role = Change the role
admin-reports-about = Reports about this account

admin-open-reports = Open
admin-resolved-reports = Resolved
admin-report-about = Report about @{ $handle }
admin-reported-by = by @{ $handle }
admin-assigned-to = taken by @{ $handle }
admin-posts-count = { $count ->
    [0] no post
    [one] one post
   *[other] { $count } posts
}
admin-no-reports = No report here.
admin-reporter = Reported by
admin-category = Category
admin-category-spam = Spam
admin-category-legal = Illegal content
admin-category-violation = Breaks the rules
admin-category-other = Other
admin-received = Received
admin-open = Open
admin-resolved = Resolved
admin-assigned = Taken by
admin-nobody = Nobody
admin-earlier-reports = Other reports about this account
admin-forwarded = Sent to their server
admin-comment = Comment
admin-reported-posts = Reported posts
admin-no-posts = No post is attached.
admin-posts-gone = { $count ->
    [one] One reported post is already gone.
   *[other] { $count } reported posts are already gone.
}
admin-report-dismiss = Dismiss (nothing to do)
admin-report-delete = Delete the reported posts
admin-resolve = Resolve
admin-reopen = Reopen
admin-assign-to-me = Take it
admin-unassign = Let it go
admin-forward = Send to their server

admin-read-only = Only administrators change the federation policy.
admin-fed-mode = Mode
admin-fed-mode-open = Open: federate with everyone but blocked domains
admin-fed-mode-allowlist = Allowlist: federate only with listed domains
admin-fed-effective = In force: { $blocks } blocked, { $allows } allowed
admin-fed-blocks = Blocked and limited domains
admin-fed-allows = Allowed domains
admin-fed-add-block = Block or limit a domain
admin-fed-add-allow = Allow a domain
admin-domain = Domain
admin-severity = Severity
admin-severity-suspend = Block (reject everything, remove their data)
admin-severity-silence = Limit (no public timelines, follows need approval)
admin-severity-noop = Flags only
admin-flags = Also
admin-reject-media = Reject media
admin-reject-reports = Reject reports
admin-source = From
admin-private-comment = Private comment
admin-public-comment = Public comment
admin-unblock-domain = Remove the entry for { $domain }
admin-fed-subscriptions = Subscribed lists
admin-fed-subscriptions-help = Lists published by other nodes, fetched regularly and merged with this node's entries; this node's own entries win, then the higher priority.
admin-fed-list-block = Blocklist
admin-fed-list-allow = Allowlist
admin-priority = Priority
admin-priority-help = From -1000 to 1000; a higher priority wins over other lists.
admin-entries-count = { $count ->
    [one] one entry
   *[other] { $count } entries
}
admin-fetched = fetched { $at }
admin-refresh = Fetch now
admin-unsubscribe = Unsubscribe
admin-fed-subscribe = Subscribe to a list
admin-list-url = Address of the list
admin-list-kind = Kind of list
admin-title = Title
admin-subscribe = Subscribe

admin-set-node = The node
admin-set-name = Name
admin-set-description = Description
admin-set-contact = Contact email
admin-set-default-language = Default language
admin-set-rules = Rules
admin-set-rules-help = One rule per line.
admin-set-posting = Posting
admin-set-hide-counts = Hide like, boost and follower counts on the whole node
admin-set-max-characters = Most characters in a post
admin-set-max-media = Most attachments in a post
admin-set-max-image-bytes = Largest image (bytes)
admin-set-registrations = Registrations
admin-set-registrations-mode = Who may sign up
admin-reg-mode-open = Anyone
admin-reg-mode-approval = Anyone, after approval by a moderator
admin-reg-mode-invite = Only with an invite
admin-reg-mode-closed = Nobody (accounts are made by the admin)
admin-set-email-domains = Allowed email domains
admin-set-email-domains-help = Separated by commas, e.g. ens.ac.ma, crmef.ma; empty: any address.
admin-set-registrations-message = Message to people who would sign up
admin-institution = Institution profile
admin-institution-kind = Kind of institution
admin-institution-region = Region
admin-institution-city = City
admin-institution-languages = Working languages (codes, e.g. ar, fr)

admin-invite-create = Create an invite
admin-invite-max-uses = Number of uses
admin-invite-max-uses-help = Empty: unlimited.
admin-invite-expires = Expires
admin-invite-link = Link
admin-invite-uses = Uses
admin-invite-live = Valid
admin-invite-expired = Expired
admin-invite-used-up = Used up
admin-invite-revoked = Revoked
admin-revoke = Revoke
admin-never = Never
admin-expiry-0 = Never
admin-expiry-1800 = In 30 minutes
admin-expiry-21600 = In 6 hours
admin-expiry-86400 = In a day
admin-expiry-604800 = In a week
admin-expiry-2592000 = In 30 days

admin-when = When
admin-who = Who
admin-what = What
admin-target = On

notif-moderation-warning = sent you a message from the moderators
warning-action-none = A warning from the moderators:
warning-action-disable = The moderators disabled your login:
warning-action-silence = The moderators limited your account:
warning-action-suspend = The moderators suspended your account:
warning-action-delete_statuses = The moderators deleted some of your posts:
