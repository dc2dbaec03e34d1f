//! `halqa admin users {create, approve, reject, suspend, unsuspend, warn, role, reset-password,
//! list, export, import, move, alias}` (the last two in `cli::moves`).
use activitypub_federation::config::Data;
use clap::Subcommand;
use halqa::{
    AppState,
    db::admin_accounts::AccountFilter,
    service::{
        accounts,
        moderation::{
            Moderator,
            accounts::{self as actions, AccountAction},
        },
    },
};
use serde_json::json;

#[derive(Subcommand)]
pub enum UsersCommand {
    /// Create a local account (approved at once).
    Create {
        username: String,
        #[arg(long)]
        email: String,
        #[arg(long)]
        password: String,
        #[arg(long, default_value = "user", value_parser = ["admin", "moderator", "user"])]
        role: String,
        #[arg(long)]
        json: bool,
    },
    /// Approve a pending sign-up.
    Approve { username: String },
    /// Reject a pending sign-up.
    Reject {
        username: String,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Suspend an account (other servers are told to delete it; its posts and follows are
    /// removed, tokens revoked).
    Suspend {
        username: String,
        #[arg(long, default_value = "")]
        note: String,
        /// A message to the user (a `moderation_warning` notification, read after unsuspension).
        #[arg(long)]
        message: Option<String>,
    },
    /// Lift a suspension: the account can log in and is served again.
    Unsuspend { username: String },
    /// Send a local user a moderation warning (no other action).
    Warn {
        username: String,
        message: String,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Change a local account's role.
    Role {
        username: String,
        #[arg(value_parser = ["admin", "moderator", "user"])]
        role: String,
    },
    /// Give an account a new random password (printed once); its tokens are revoked. With
    /// `--link`: print a one-time link (24 hours) where the user chooses a new password.
    ResetPassword {
        username: String,
        #[arg(long)]
        link: bool,
        #[arg(long)]
        json: bool,
    },
    /// Write a local account's archive (resources with their files, collections, mentorships,
    /// posts, Mastodon CSVs) to a ZIP file.
    Export {
        username: String,
        #[arg(long)]
        out: std::path::PathBuf,
    },
    /// Import into a local account: a Halqa account archive, or one of Mastodon's CSV files
    /// (`--type following|lists|blocks|mutes|bookmarks`, `--mode merge|overwrite`). Runs the
    /// import now and prints its report.
    Import {
        username: String,
        file: std::path::PathBuf,
        #[arg(long = "type", default_value = "archive", value_parser = ["archive", "following", "lists", "blocks", "mutes", "bookmarks"])]
        kind: String,
        #[arg(long, default_value = "merge", value_parser = ["merge", "overwrite"])]
        mode: String,
        #[arg(long)]
        json: bool,
    },
    /// List local accounts (`--pending`: those waiting for approval).
    List {
        #[arg(long)]
        pending: bool,
        #[arg(long)]
        json: bool,
    },
    /// Move a local account to a new account (`@name@host`) that lists it as an alias: its
    /// followers are told (`Move`) and follow the new account.
    Move { username: String, target: String },
    /// A local account's aliases (the accounts it may move from).
    Alias {
        #[command(subcommand)]
        command: super::moves::AliasCommand,
    },
}

async fn actor_id(data: &Data<AppState>, username: &str) -> anyhow::Result<i64> {
    let (_, actor) = accounts::local_user_by_username(&data.db, username).await?;
    Ok(actor.id)
}

pub async fn run(data: &Data<AppState>, command: UsersCommand) -> anyhow::Result<()> {
    let by = Moderator::Cli;
    match command {
        UsersCommand::Create {
            username,
            email,
            password,
            role,
            json,
        } => {
            let (user, actor) = accounts::create_user(
                &data.db,
                &data.ids,
                &data.urls,
                &data.config.instance.domain,
                accounts::NewUser {
                    username,
                    email,
                    password,
                    role,
                },
            )
            .await?;
            if json {
                super::print_json(
                    &json!({"id": actor.id.to_string(), "username": actor.username, "role": user.role, "url": actor.ap_id}),
                )?;
            } else {
                println!(
                    "created @{} ({}) — {}",
                    actor.handle(),
                    user.role,
                    actor.ap_id
                );
            }
        }
        UsersCommand::Approve { username } => {
            actions::approve(data, by, actor_id(data, &username).await?).await?;
            println!("@{username} approved");
        }
        UsersCommand::Reject { username, note } => {
            actions::reject(data, by, actor_id(data, &username).await?, &note).await?;
            println!("@{username} rejected");
        }
        UsersCommand::Suspend {
            username,
            note,
            message,
        } => {
            let id = actor_id(data, &username).await?;
            actions::act(
                data,
                by,
                id,
                AccountAction::Suspend,
                &note,
                message.as_deref(),
                None,
            )
            .await?;
            println!("@{username} suspended; other servers are told when the node next runs");
        }
        UsersCommand::Unsuspend { username } => {
            let actor = halqa::db::actors::find_local_any(&data.db.read, &username)
                .await?
                .ok_or_else(|| anyhow::anyhow!("no local user {username}"))?;
            actions::undo(data, by, actor.id, AccountAction::Suspend).await?;
            println!("@{username} unsuspended: the account can log in again");
        }
        UsersCommand::Warn {
            username,
            message,
            note,
        } => {
            let id = actor_id(data, &username).await?;
            actions::act(
                data,
                by,
                id,
                AccountAction::None,
                &note,
                Some(&message),
                None,
            )
            .await?;
            println!("@{username} warned");
        }
        UsersCommand::Role { username, role } => {
            let user = actions::set_role(data, by, actor_id(data, &username).await?, &role).await?;
            println!("@{username} is now {}", user.role);
        }
        UsersCommand::ResetPassword {
            username,
            link: true,
            json,
        } => {
            let link =
                actions::reset_password_link(data, by, actor_id(data, &username).await?).await?;
            if json {
                super::print_json(&json!({"username": username, "link": link}))?;
            } else {
                println!("password reset link for @{username} (one use, 24 hours): {link}");
            }
        }
        UsersCommand::ResetPassword { username, json, .. } => {
            let password =
                actions::reset_password(data, by, actor_id(data, &username).await?).await?;
            if json {
                super::print_json(&json!({"username": username, "password": password}))?;
            } else {
                println!("new password for @{username}: {password}");
            }
        }
        UsersCommand::Move { username, target } => {
            super::moves::move_user(data, &username, &target).await?;
        }
        UsersCommand::Alias { command } => super::moves::alias(data, command).await?,
        UsersCommand::Export { username, out } => {
            let (_, actor) = accounts::local_user_by_username(&data.db, &username).await?;
            halqa::service::archive::export::write_archive(data, &actor, &out).await?;
            println!(
                "archive of @{} written to {}",
                actor.handle(),
                out.display()
            );
        }
        UsersCommand::Import {
            username,
            file,
            kind,
            mode,
            json,
        } => import(data, &username, &file, kind, mode, json).await?,
        UsersCommand::List { pending, json } => {
            let filter = AccountFilter {
                local: Some(true),
                status: pending.then(|| "pending".to_string()),
                limit: 10_000,
                ..Default::default()
            };
            let rows = actions::list(data, by, &filter).await?;
            let rows: Vec<_> = rows
                .into_iter()
                .filter_map(|(actor, user)| user.map(|u| (actor, u)))
                .collect();
            if json {
                let list: Vec<_> = rows
                    .iter()
                    .map(|(a, u)| {
                        json!({
                            "id": a.id.to_string(), "username": a.username, "email": u.email,
                            "role": u.role, "approval": u.approval, "disabled": u.disabled,
                            "silenced": a.silenced_at.is_some(), "suspended": a.suspended_at.is_some(),
                            "reason": u.registration_reason, "created_at": u.created_at.to_rfc3339(),
                        })
                    })
                    .collect();
                super::print_json(&list)?;
            } else {
                println!(
                    "{:<24} {:<32} {:<10} {:<10} created",
                    "username", "email", "role", "state"
                );
                for (actor, user) in rows {
                    let state = if actor.suspended_at.is_some() {
                        "suspended"
                    } else if user.disabled {
                        "disabled"
                    } else {
                        user.approval.as_str()
                    };
                    println!(
                        "{:<24} {:<32} {:<10} {:<10} {}",
                        actor.username,
                        user.email,
                        user.role,
                        state,
                        user.created_at.format("%Y-%m-%d")
                    );
                }
            }
        }
    }
    Ok(())
}

/// Queues the import of `file` for `username`, runs the waiting imports (this one included;
/// a running node may take it first, then this waits for it) and prints the report.
async fn import(
    data: &Data<AppState>,
    username: &str,
    file: &std::path::Path,
    kind: String,
    mode: String,
    json: bool,
) -> anyhow::Result<()> {
    use halqa::service::imports::{self, NewImport, report::ReportBody};
    let (_, actor) = accounts::local_user_by_username(&data.db, username).await?;
    let source = tokio::fs::File::open(file)
        .await
        .map_err(|e| anyhow::anyhow!("cannot open {}: {e}", file.display()))?;
    let chunks =
        futures_util::StreamExt::map(file_chunks(source), |r: std::io::Result<Vec<u8>>| {
            r.map_err(|e| anyhow::anyhow!("reading the file: {e}").into())
        });
    let path = imports::store_upload(data, Box::pin(chunks), imports::limit_for(&kind)).await?;
    let original_name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let queued = imports::enqueue(
        data,
        &actor,
        NewImport {
            kind,
            mode,
            original_name,
            path,
        },
    )
    .await?;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(6 * 3600);
    let done = loop {
        let row = halqa::db::archives::get_import(&data.db.read, queued.id).await?;
        if row.state == "done" || row.state == "failed" {
            break row;
        }
        if imports::run_next(data).await?.is_none() {
            anyhow::ensure!(
                std::time::Instant::now() < deadline,
                "the import did not finish in time"
            );
            tokio::time::sleep(std::time::Duration::from_secs(1)).await;
        }
    };
    let report = ReportBody::of(&done);
    if json {
        super::print_json(&json!({
            "id": done.id.to_string(), "state": done.state, "error": done.error,
            "imported": done.imported, "skipped": done.skipped, "report": report,
        }))?;
    } else {
        println!(
            "import {}: {} imported, {} skipped",
            done.state, done.imported, done.skipped
        );
        for (kind, c) in &report.counts {
            println!("  {kind}: {} imported, {} skipped", c.imported, c.skipped);
        }
        for notice in &report.notices {
            println!("  note: {}", notice.text);
        }
        for line in &report.lines {
            println!("  skipped {} {}: {}", line.kind, line.item, line.reason);
        }
        if let Some(e) = &done.error {
            println!("error: {e}");
        }
    }
    anyhow::ensure!(done.state == "done", "the import failed");
    Ok(())
}

/// The bytes of `file` in chunks of 64 KB.
fn file_chunks(
    file: tokio::fs::File,
) -> impl futures_util::Stream<Item = std::io::Result<Vec<u8>>> {
    futures_util::stream::unfold(file, |mut file| async move {
        use tokio::io::AsyncReadExt;
        let mut buf = vec![0u8; 64 * 1024];
        match file.read(&mut buf).await {
            Ok(0) => None,
            Ok(n) => {
                buf.truncate(n);
                Some((Ok(buf), file))
            }
            Err(e) => Some((Err(e), file)),
        }
    })
}
