//! Halqa: a federated professional learning network for teachers. One crate: an ActivityPub
//! server, (later) the Mastodon client API and PLN API, and a server-rendered frontend.
pub mod api;
pub mod app;
pub mod config;
pub mod db;
pub mod error;
pub mod federation;
pub mod ids;
pub mod jobs;
pub mod service;
pub mod text;
pub mod web;

pub use app::AppState;
pub use config::Config;
