//! sea-orm entities, one file per table; the schema itself lives in `migration/`.
pub mod access_token;
pub mod actor;
pub mod delivery;
pub mod favourite;
pub mod follow;
pub mod local_user;
pub mod outgoing_activity;
pub mod post;
pub mod post_mention;
pub mod post_tag;
pub mod received_activity;
pub mod remote_host;
