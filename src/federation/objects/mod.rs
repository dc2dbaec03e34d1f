//! ActivityPub objects other than actors: notes (statuses).
pub mod note;
