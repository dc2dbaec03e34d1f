//! `halqa admin …` subcommands that have grown their own files: `domains` (federation policy).
pub mod domains;
