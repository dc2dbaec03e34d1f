# Halqa web interface, English: search, mentorship and resource pages.

## Navigation and shared form words
nav-search = Search
nav-mentorship = Mentorship
form-save = Save changes
form-cancel = Cancel
pln-error-field = Please check this field: { $field }.
pln-error-form = This could not be done.
pln-kind-accounts = People
pln-kind-statuses = Posts
pln-kind-hashtags = Hashtags
pln-kind-resources = Resources
pln-kind-offers = Mentorship offers
pln-kind-collections = Collections
pln-kind-circles = Circles
pln-lang-ar = Arabic
pln-lang-fr = French
pln-lang-en = English
pln-lang-zgh = Amazigh
pln-lang-es = Spanish

## Field names
pln-field-title = Title
pln-field-description = Description
pln-field-body = Content
pln-field-license = Licence
pln-field-resource-type = Type of resource
pln-field-subjects = Subjects
pln-field-levels = Levels
pln-field-languages = Languages
pln-field-duration = Duration
pln-field-prerequisites = Prerequisites
pln-field-links = Links
pln-field-based-on = Based on (address of the original)
pln-field-attachments = Files
pln-field-format = Format
pln-field-region = Region
pln-field-capacity = Number of mentees
pln-field-starts-at = Starts on
pln-field-ends-at = Ends on
pln-field-message = Message
pln-field-goals = Goals
pln-field-notes = Notes
pln-field-date = Date

## Search
search-heading = Search
search-label = Search for
search-help = Words, #hashtag, user@server, or the address of a post, resource or offer.
search-type = Look in
search-type-all = Everything
search-filters = Filters
search-filters-help = Licence and type of resource filter resources only.
search-any = Any
search-submit = Search
search-none = Nothing found.
search-more = See more
search-next = Next page

## Mentorship directory
mentorship-heading = Mentorship
mentorship-intro = Teachers across the network offer to mentor trainees and new teachers. Find an offer that suits you and send a request.
mentorship-new-offer = Offer mentorship
mentorship-my-requests = My requests and mentorships
mentorship-login-to-request = Log in to request a mentorship
mentorship-suggestions = Suggested for you
mentorship-why = Why:
mentorship-directory = All offers
mentorship-open-only = Only offers with places left
mentorship-none = No offers match.

## An offer's page
offer-starts = Starts on
offer-ends = Ends on
offer-original = On its server
offer-manage = Your offer
offer-edit = Edit the offer
offer-close = Close the offer
offer-close-help = No new requests; running mentorships go on.
offer-incoming = Requests waiting for your answer
offer-no-requests = No request is waiting.
offer-your-request = Your request
offer-full = All places of this offer are taken.
offer-closed = This offer is closed.
request-heading = Request this mentorship
request-message = Introduce yourself and say what you hope for
request-goals = Goals
request-goals-help = One goal per line (optional).
request-submit = Send the request
request-waiting = Your request was sent; it is waiting for the mentor's answer.
request-withdraw = Withdraw the request
request-accepted = Your request was accepted.
request-accept = Accept
request-decline = Decline
request-decline-reason = Reason (optional)
request-reason = Reason:
request-state-pending = Waiting for an answer
request-state-accepted = Accepted
request-state-declined = Declined
request-state-withdrawn = Withdrawn

## The offer form
offer-form-new = Offer mentorship
offer-form-edit = Edit the offer
offer-form-description-help = Who it is for, how you will work together, how often.
offer-form-format-default = Online (default)
offer-form-publish = Publish the offer

## My requests
requests-heading = My requests and mentorships
requests-mentorships = My mentorships
requests-mentoring = You mentor { $name }
requests-mentored-by = { $name } mentors you
requests-no-mentorships = No mentorship yet.
requests-received = Requests received
requests-none-received = No request received.
requests-sent = Requests sent
requests-none-sent = You have not requested a mentorship.
requests-my-offers = My offers
requests-no-offers = You have not published an offer.

## A mentorship's space
space-heading = Mentorship with { $name }
space-you-mentor = You mentor
space-you-mentee = Your mentor:
space-private = Only the two of you can see this page.
space-not-yours = This mentorship space is private to its mentor and mentee.
space-open = Open the mentorship space
space-ended = This mentorship has ended.
space-goals = Goals
space-no-goals = No goals yet.
space-goal-done = done
space-goal-open = in progress
space-goal-tick = Mark as done
space-goal-reopen = Mark as not done
space-goal-new = New goal
space-goal-add = Add
space-meetings = Meeting log
space-no-meetings = No meeting logged yet.
space-log-meeting = Log a meeting
space-meeting-date = Date
space-meeting-notes = Notes
space-next-steps = Next steps:
space-meeting-save = Save the meeting
space-thread = Private messages
space-no-messages = No messages yet.
space-message = Your message
space-send = Send
space-end = End the mentorship
space-reflection = A few words for the other person (optional)
space-end-submit = End the mentorship

## Resources
resource-edit = Edit
resource-delete = Delete
resource-form-new = Share a resource
resource-form-edit = Edit the resource
resource-form-body-help = Markdown: **bold**, *italic*, lists with -, links [text](https://…).
resource-form-choose = Choose…
resource-form-duration-help = In minutes (45) or as you say it (two sessions).
resource-form-one-per-line = One per line.
resource-form-links-help = One per line: the address, then its title.
resource-form-files-kept = Files attached (untick to remove)
resource-form-files-help = PDF, office documents, EPUB, text, images, audio or video.
resource-form-publish = Publish the resource
resource-delete-heading = Delete this resource?
resource-delete-question = You are about to delete:
resource-delete-help = It disappears from this server and other servers are asked to remove it. This cannot be undone.
resource-delete-confirm = Delete for good
