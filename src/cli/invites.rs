//! `halqa admin invites {create, list, revoke}`.
use activitypub_federation::config::Data;
use clap::Subcommand;
use halqa::{
    AppState,
    db::entity::invite,
    service::{moderation::Moderator, registrations},
};
use serde_json::{Value, json};

#[derive(Subcommand)]
pub enum InvitesCommand {
    /// Make an invite code.
    Create {
        #[arg(long)]
        max_uses: Option<i32>,
        /// Seconds until it expires.
        #[arg(long)]
        expires_in: Option<i64>,
        #[arg(long)]
        json: bool,
    },
    /// Every invite.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Revoke an invite by id.
    Revoke { id: i64 },
}

fn as_json(data: &Data<AppState>, row: &invite::Model) -> Value {
    json!({
        "id": row.id.to_string(),
        "code": row.code,
        "url": format!("{}/auth/sign_up?invite_code={}", data.urls.base(), row.code),
        "max_uses": row.max_uses,
        "uses": row.uses,
        "expires_at": row.expires_at.map(|t| t.to_rfc3339()),
        "revoked": row.revoked_at.is_some(),
    })
}

pub async fn run(data: &Data<AppState>, command: InvitesCommand) -> anyhow::Result<()> {
    let by = Moderator::Cli;
    match command {
        InvitesCommand::Create {
            max_uses,
            expires_in,
            json,
        } => {
            let row = registrations::create_invite(data, by, max_uses, expires_in).await?;
            if json {
                super::print_json(&as_json(data, &row))?;
            } else {
                println!(
                    "{}",
                    as_json(data, &row)["url"].as_str().unwrap_or_default()
                );
            }
        }
        InvitesCommand::List { json } => {
            let rows = registrations::list_invites(data, by).await?;
            let list: Vec<Value> = rows.iter().map(|r| as_json(data, r)).collect();
            if json {
                super::print_json(&list)?;
            } else {
                println!(
                    "{:<20} {:<14} {:<8} {:<26} revoked",
                    "id", "code", "uses", "expires"
                );
                for (row, shown) in rows.iter().zip(&list) {
                    let uses = match row.max_uses {
                        Some(max) => format!("{}/{max}", row.uses),
                        None => row.uses.to_string(),
                    };
                    println!(
                        "{:<20} {:<14} {:<8} {:<26} {}",
                        row.id,
                        row.code,
                        uses,
                        shown["expires_at"].as_str().unwrap_or("never"),
                        row.revoked_at.is_some()
                    );
                }
            }
        }
        InvitesCommand::Revoke { id } => {
            registrations::revoke_invite(data, by, id).await?;
            println!("invite {id} revoked");
        }
    }
    Ok(())
}
