//! ActivityPub actors: people, remote actors of every type, and the instance actor (an
//! `Application` row with the node's domain as username, served at `/actor`).
pub mod person;
