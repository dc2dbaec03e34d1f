//! `halqa admin reports {list, resolve, forward}`.
use activitypub_federation::config::Data;
use clap::Subcommand;
use halqa::{
    AppState,
    db::{self, reports::ReportFilter},
    service::moderation::{
        Moderator,
        reports::{self as queue, ReportAction},
    },
};
use serde_json::json;

#[derive(Subcommand)]
pub enum ReportsCommand {
    /// The open reports (`--resolved`: the resolved ones).
    List {
        #[arg(long)]
        resolved: bool,
        #[arg(long)]
        json: bool,
    },
    /// Resolve a report with an action and a note.
    Resolve {
        id: i64,
        #[arg(long, default_value = "dismiss", value_parser = ["dismiss", "delete_statuses", "silence", "suspend"])]
        action: String,
        #[arg(long, default_value = "")]
        note: String,
        /// A message to the reported user (local accounts): a `moderation_warning` notification.
        #[arg(long)]
        message: Option<String>,
    },
    /// Forward a report about a remote account to its server (a `Flag`).
    Forward { id: i64 },
}

pub async fn run(data: &Data<AppState>, command: ReportsCommand) -> anyhow::Result<()> {
    let by = Moderator::Cli;
    match command {
        ReportsCommand::List { resolved, json } => {
            let filter = ReportFilter {
                resolved: Some(resolved),
                limit: 10_000,
                ..Default::default()
            };
            let rows = queue::list(data, by, &filter).await?;
            let mut out = Vec::with_capacity(rows.len());
            for r in rows {
                let handle = |id| async move {
                    db::actors::get_by_id(&data.db.read, id)
                        .await
                        .map(|a| a.handle())
                        .unwrap_or_else(|_| id.to_string())
                };
                out.push(json!({
                    "id": r.id.to_string(),
                    "reporter": handle(r.reporter_id).await,
                    "target": handle(r.target_id).await,
                    "category": r.category,
                    "comment": r.comment,
                    "status_ids": serde_json::from_str::<serde_json::Value>(&r.status_ids).unwrap_or_default(),
                    "created_at": r.created_at.to_rfc3339(),
                    "resolved_at": r.action_taken_at.map(|t| t.to_rfc3339()),
                }));
            }
            if json {
                super::print_json(&out)?;
            } else {
                println!(
                    "{:<20} {:<32} {:<32} {:<10} comment",
                    "id", "reporter", "target", "category"
                );
                for r in out {
                    println!(
                        "{:<20} {:<32} {:<32} {:<10} {}",
                        r["id"].as_str().unwrap_or_default(),
                        r["reporter"].as_str().unwrap_or_default(),
                        r["target"].as_str().unwrap_or_default(),
                        r["category"].as_str().unwrap_or_default(),
                        r["comment"].as_str().unwrap_or_default()
                    );
                }
            }
        }
        ReportsCommand::Resolve {
            id,
            action,
            note,
            message,
        } => {
            let action = ReportAction::parse(&action)?;
            queue::resolve(data, by, id, action, &note, message.as_deref()).await?;
            println!("report {id} resolved");
        }
        ReportsCommand::Forward { id } => {
            queue::forward(data, by, id).await?;
            println!("report {id} forwarded");
        }
    }
    Ok(())
}
