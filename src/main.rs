//! The `halqa` command: parse arguments, load the configuration, set up logging, and run
//! `serve`, `migrate` or an `admin` subcommand.
mod cli;

use anyhow::Context;
use clap::{Parser, Subcommand};
use halqa::{Config, app, db::Db, service::accounts};
use std::{path::PathBuf, process::ExitCode};

/// mimalloc for Rust and, through its `override` feature, for the bundled SQLite's C
/// allocations: a third fewer instructions per home-timeline request than glibc's allocator
/// (docs/decisions.md, session 8).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
    /// Publish a status as a local account (until client apps can, and for scripts).
    Post {
        username: String,
        text: String,
        #[arg(long, default_value = "public", value_parser = ["public", "unlisted", "private", "direct"])]
        visibility: String,
        /// Content warning.
        #[arg(long)]
        spoiler: Option<String>,
        /// Language code (ar, fr, en, …).
        #[arg(long)]
        language: Option<String>,
    },
    /// Make a local account follow another account, local or remote (`user@host`).
    Follow { username: String, target: String },
    /// The institution running this node (its profile and Organization actor).
    Institution {
        #[command(subcommand)]
        command: InstitutionCommand,
    },
    /// Local accounts: create, approve, reject, suspend, role, reset-password, list.
    Users {
        #[command(subcommand)]
        command: cli::users::UsersCommand,
    },
    /// The report queue: list, resolve.
    Reports {
        #[command(subcommand)]
        command: cli::reports::ReportsCommand,
    },
    /// Invite codes for invite-only registrations: create, list, revoke.
    Invites {
        #[command(subcommand)]
        command: cli::invites::InvitesCommand,
    },
    /// Node settings (registration mode, instance name, rules, limits…): show, set.
    Settings {
        #[command(subcommand)]
        command: cli::settings::SettingsCommand,
    },
    /// Set a local account's PLN profile facets (lists are comma-separated).
    SetFacets {
        username: String,
        #[arg(long, value_parser = ["trainee", "novice", "teacher", "teacher_educator"])]
        stage: Option<String>,
        #[arg(long, value_delimiter = ',')]
        subjects: Vec<String>,
        #[arg(long, value_delimiter = ',')]
        levels: Vec<String>,
        #[arg(long, value_delimiter = ',')]
        languages: Vec<String>,
        #[arg(long)]
        region: Option<String>,
        #[arg(long)]
        open_to_mentor: bool,
        #[arg(long)]
        seeking_mentor: bool,
    },
    /// Federation policy: domain blocks and allows, mode, list subscriptions.
    Domains {
        /// Print JSON (for scripts).
        #[arg(long, global = true)]
        json: bool,
        #[command(subcommand)]
        command: cli::domains::DomainsCommand,
    },
    /// The admin dashboard's figures (aggregates only).
    Stats {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum InstitutionCommand {
    /// Print this node's institution profile.
    Show,
    /// Change this node's institution profile (what is not given is kept; "" clears region or
    /// city). Followers of the institution actor are told.
    Set {
        #[arg(long)]
        name: Option<String>,
        #[arg(long, value_parser = ["ens", "crmef", "school", "university", "other"])]
        kind: Option<String>,
        #[arg(long)]
        region: Option<String>,
        #[arg(long)]
        city: Option<String>,
        /// Language tags, comma-separated (e.g. ar,fr).
        #[arg(long, value_delimiter = ',')]
        languages: Option<Vec<String>>,
        #[arg(long)]
        description: Option<String>,
    },
    /// Read now the NodeInfo of the known hosts that are due (as the periodic job does).
    Refresh,
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
            .await?;
            println!("created @{} ({role}) — {}", actor.handle(), actor.ap_id);
        }
        AdminCommand::Token { username, scopes } => {
            let (user, _) = accounts::local_user_by_username(&state.db, &username).await?;
            let token = accounts::mint_token(&state.db, &state.ids, user.id, &scopes).await?;
            println!("{token}");
        }
        AdminCommand::DeleteUser { username } => {
            let (_, actor) = accounts::local_user_by_username(&state.db, &username).await?;
            accounts::delete_account(&data, &actor).await?;
            println!(
                "deleted @{}; other servers are told when the node next runs",
                actor.handle()
            );
        }
        AdminCommand::Post {
            username,
            text,
            visibility,
            spoiler,
            language,
        } => {
            let (_, actor) = accounts::local_user_by_username(&state.db, &username).await?;
            let new = halqa::service::posts::NewPost {
                text,
                spoiler_text: spoiler,
                sensitive: false,
                visibility,
                language,
                in_reply_to_id: None,
            };
            let post = halqa::service::posts::create_post(&data, &actor, new).await?;
            println!("posted {}", post.ap_id);
        }
        AdminCommand::Follow { username, target } => {
            let (_, actor) = accounts::local_user_by_username(&state.db, &username).await?;
            let target = accounts::resolve_handle(&data, &target)
                .await
                .map_err(|e| anyhow::anyhow!("cannot find {target}: {e}"))?;
            let follow = halqa::service::follows::follow(&data, &actor, &target).await?;
            let state_word = if follow.accepted {
                "following"
            } else {
                "follow requested (waiting for Accept)"
            };
            println!("@{} → @{}: {state_word}", actor.username, target.handle());
        }
        AdminCommand::SetFacets {
            username,
            stage,
            subjects,
            levels,
            languages,
            region,
            open_to_mentor,
            seeking_mentor,
        } => {
            let (_, actor) = accounts::local_user_by_username(&state.db, &username).await?;
            let facets = accounts::Facets {
                stage,
                subjects,
                levels,
                languages,
                region,
                open_to_mentor,
                seeking_mentor,
            };
            accounts::set_facets(&data, actor.id, facets).await?;
            println!("facets of @{} updated", actor.username);
        }
        AdminCommand::Institution { command } => institution(&data, command).await?,
        AdminCommand::Users { command } => cli::users::run(&data, command).await?,
        AdminCommand::Reports { command } => cli::reports::run(&data, command).await?,
        AdminCommand::Invites { command } => cli::invites::run(&data, command).await?,
        AdminCommand::Settings { command } => cli::settings::run(&data, command).await?,
        AdminCommand::Domains { json, command } => cli::domains::run(&data, command, json).await?,
        AdminCommand::Stats { json } => cli::stats::run(&data, json).await?,
        AdminCommand::ListUsers => {
            let users = halqa::db::users::list_with_actors(&state.db.read)
                .await
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

async fn institution(
    data: &activitypub_federation::config::Data<halqa::AppState>,
    command: InstitutionCommand,
) -> anyhow::Result<()> {
    use halqa::service::institutions;
    let show = |row: &halqa::db::entity::institution::Model| {
        println!("name:        {}", row.name);
        println!("kind:        {}", row.kind.as_deref().unwrap_or(""));
        println!("region:      {}", row.region.as_deref().unwrap_or(""));
        println!("city:        {}", row.city.as_deref().unwrap_or(""));
        println!("languages:   {}", row.language_list().join(","));
        println!("description: {}", row.description);
        println!("actor:       {}", row.actor_url.as_deref().unwrap_or(""));
    };
    match command {
        InstitutionCommand::Show => show(&institutions::local_profile(&data.db.read).await?),
        InstitutionCommand::Set {
            name,
            kind,
            region,
            city,
            languages,
            description,
        } => {
            let patch = institutions::ProfilePatch {
                name,
                kind,
                region,
                city,
                languages,
                description,
            };
            show(&institutions::update_profile(data, patch).await?);
        }
        InstitutionCommand::Refresh => {
            let report = institutions::refresh_due(data).await?;
            println!(
                "{} hosts refreshed, {} failed",
                report.refreshed, report.failed
            );
        }
    }
    Ok(())
}
