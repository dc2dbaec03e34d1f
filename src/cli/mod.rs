//! The `halqa admin` subcommand groups: registration and moderation (users, reports, invites,
//! settings; each acts as the node's owner, `Moderator::Cli`), the federation policy (`domains`)
//! and the dashboard's figures (`stats`) — through the same service functions as the admin API,
//! printing a table or, with `--json`, JSON for scripts.
pub mod domains;
pub mod invites;
pub mod moves;
pub mod reports;
pub mod settings;
pub mod stats;
pub mod users;

/// Prints `value` as pretty JSON.
pub fn print_json(value: &impl serde::Serialize) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}
