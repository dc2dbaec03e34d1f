//! Account archives (continuity): a teacher downloads everything that is theirs as one ZIP
//! ([`export`]: manifest, AS2 actor and outbox, resources with their files, collections,
//! mentorships with their history, Mastodon CSVs), and restores it into an account on another
//! node ([`restore`], run by the import job of `service::imports`), after [`reader`] checked
//! it. The files' shapes are in [`format`].
pub mod export;
pub mod format;
pub mod reader;
pub mod restore;
