//! ActivityPub objects other than actors: notes (statuses), and the mentorship objects
//! (offers as `Proposal`s, `Agreement`s, the items of a mentorship space) and teaching resources
//! (`Page`s with LRMI terms).
pub mod agreement;
pub mod collection;
pub mod mentorship_item;
pub mod note;
pub mod proposal;
pub mod resource_page;
