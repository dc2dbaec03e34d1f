//! `halqa admin users move <user> <@new@host>` and `halqa admin users alias {add, remove, list}`:
//! account migration from the shell, through `service::moves` (no password: the shell is the
//! node's owner).
use activitypub_federation::config::Data;
use clap::Subcommand;
use halqa::{
    AppState,
    service::{accounts, moves},
};

#[derive(Subcommand)]
pub enum AliasCommand {
    /// Declare an account (`@name@host` or its address) as an alias of a local account: an
    /// account it may move from.
    Add { username: String, account: String },
    /// Drop an alias (`@name@host`, or the actor id as listed).
    Remove { username: String, account: String },
    /// List a local account's aliases.
    List { username: String },
}

async fn local(
    data: &Data<AppState>,
    username: &str,
) -> anyhow::Result<halqa::db::entity::actor::Model> {
    Ok(accounts::local_user_by_username(&data.db, username)
        .await?
        .1)
}

/// Moves `username` to `target`; prints the new account.
pub async fn move_user(data: &Data<AppState>, username: &str, target: &str) -> anyhow::Result<()> {
    let origin = local(data, username).await?;
    let moved_to = moves::move_out(data, &origin, target)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    println!(
        "@{} moved to @{} ({}); its followers are told",
        origin.handle(),
        moved_to.handle(),
        moved_to.ap_id
    );
    Ok(())
}

pub async fn alias(data: &Data<AppState>, command: AliasCommand) -> anyhow::Result<()> {
    match command {
        AliasCommand::Add { username, account } => {
            let me = local(data, &username).await?;
            let alias = moves::add_alias(data, &me, &account)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("@{} is also known as {}", me.handle(), alias.ap_id);
        }
        AliasCommand::Remove { username, account } => {
            let me = local(data, &username).await?;
            // An alias is stored as an actor id; a handle is resolved to one.
            let ap_id = if account.starts_with("http") {
                account
            } else {
                moves::resolve_account(data, &account, false)
                    .await
                    .map_err(|e| anyhow::anyhow!("{e}"))?
                    .ap_id
            };
            moves::remove_alias(data, &me, &ap_id)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("@{} is no longer known as {ap_id}", me.handle());
        }
        AliasCommand::List { username } => {
            let me = local(data, &username).await?;
            for (ap_id, known) in moves::aliases(data, &me).await? {
                match known {
                    Some(a) => println!("{ap_id}\t@{}", a.handle()),
                    None => println!("{ap_id}"),
                }
            }
        }
    }
    Ok(())
}
