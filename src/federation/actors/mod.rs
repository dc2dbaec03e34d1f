//! ActivityPub actors: people, remote actors of every type, the instance actor (an
//! `Application` row with the node's domain as username, served at `/actor`), and the node's
//! institution (an `Organization` row, `institution@domain`, served at `/users/institution`).
pub mod organization;
pub mod person;
