//! `halqa admin …` subcommands that have grown their own files: `domains` (federation policy)
//! and `stats` (the dashboard's figures).
pub mod domains;
pub mod stats;
