//! The `halqa` command: parse arguments, load the configuration, set up logging, and run
//! `serve`, `migrate` or an `admin` subcommand.
use anyhow::Context;
use clap::{Parser, Subcommand};
use halqa::{Config, app, db::Db, service::accounts};
use std::{path::PathBuf, process::ExitCode};

#[derive(Parser)]
#[command(
    name = "halqa",
    version,
    about = "Halqa: a federated professional learning network for teachers"
)]
struct Cli {
    /// Directory holding default.toml and local.toml.
    #[arg(long, global = true, default_value = "config")]
    config_dir: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the node (applies pending migrations first).
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Administration tasks.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create a local account.
    CreateUser {
        username: String,
        #[arg(long)]
        email: String,
        #[arg(long)]
        password: String,
        #[arg(long, default_value = "user", value_parser = ["admin", "moderator", "user"])]
        role: String,
    },
    /// Print a new bearer token for an account (usable with the Mastodon API).
    Token {
        username: String,
        #[arg(long, default_value = "read write follow push")]
        scopes: String,
    },
    /// List local accounts.
    ListUsers,
    /// Delete a local account (other servers are told; its posts and follows are removed).
    DeleteUser { username: String },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = match Config::load(&cli.config_dir) {
        Ok(config) => config,
        Err(e) => {
            eprintln!("halqa: {e}");
            return ExitCode::from(2);
        }
    };
    let filter = tracing_subscriber::EnvFilter::try_new(&config.log.filter)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("halqa: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli.command, config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("halqa: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command, config: Config) -> anyhow::Result<()> {
    match command {
        Command::Serve => app::serve(config).await,
        Command::Migrate => {
            let db = Db::connect(&config.database.url, 1).await?;
            db.migrate().await?;
            println!("migrations applied");
            Ok(())
        }
        Command::Admin { command } => admin(command, config).await,
    }
}

async fn admin(command: AdminCommand, config: Config) -> anyhow::Result<()> {
    let federation = app::build(config).await?;
    let data = federation.to_request_data();
    let state = data.app_data();
    match command {
        AdminCommand::CreateUser {
            username,
            email,
            password,
            role,
        } => {
            let (_, actor) = accounts::create_user(
                &state.db,
                &state.ids,
                &state.urls,
                &state.config.instance.domain,
                accounts::NewUser {
                    username,
                    email,
                    password,
                    role: role.clone(),
                },
            )
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("created @{} ({role}) — {}", actor.handle(), actor.ap_id);
        }
        AdminCommand::Token { username, scopes } => {
            let (user, _) = accounts::local_user_by_username(&state.db, &username)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            let token = accounts::mint_token(&state.db, &state.ids, user.id, &scopes)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("{token}");
        }
        AdminCommand::DeleteUser { username } => {
            let (_, actor) = accounts::local_user_by_username(&state.db, &username)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            accounts::delete_account(&data, &actor)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!(
                "deleted @{}; other servers are told when the node next runs",
                actor.handle()
            );
        }
        AdminCommand::ListUsers => {
            let users = halqa::db::users::list_with_actors(&state.db.read)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))
                .context("listing users")?;
            println!("{:<24} {:<32} {:<10} created", "username", "email", "role");
            for (user, actor) in users {
                println!(
                    "{:<24} {:<32} {:<10} {}",
                    actor.username,
                    user.email,
                    user.role,
                    user.created_at.format("%Y-%m-%d")
                );
            }
        }
    }
    Ok(())
}
