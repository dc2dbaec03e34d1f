# Account settings: posting defaults, privacy, data export; password reset links; OAuth consent.
account-posting = Posting defaults
account-privacy-default = Who sees my posts by default
account-sensitive-default = Mark my media as sensitive by default
account-post-language = Language of my posts
account-post-language-help = A language code such as ar, fr or en; leave empty to let the app decide.
account-default-license = Default licence for my resources
account-default-license-help = New resources get this licence unless you choose another.
account-privacy = Privacy
account-locked = Approve followers by hand (locked account)
account-discoverable = Show my account in the directory and in search suggestions
account-export = Export your data
account-export-help = Download your data as CSV files that Mastodon and other servers can import.
account-export-following = Accounts you follow
account-export-lists = Your lists
account-export-blocks = Accounts you block
account-export-mutes = Accounts you mute
account-export-bookmarks = Your bookmarks
