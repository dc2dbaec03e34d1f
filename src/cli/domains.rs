//! `halqa admin domains …`: the federation policy from the command line — block, unblock,
//! allow, disallow, list, mode, subscribe, unsubscribe, subscriptions, refresh — each with
//! `--json` for scripts. Removing a suspended domain's data shows a progress bar when it has
//! many accounts.
use activitypub_federation::config::Data;
use clap::Subcommand;
use halqa::{
    AppState,
    db::entity::{domain_permission, domain_subscription},
    service::federation_policy::{
        self, Applied, KIND_ALLOW, KIND_BLOCK,
        entries::{self, BlockInput},
        subscriptions::{self, NewSubscription},
    },
};
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::{Value, json};
use std::sync::OnceLock;

/// Below this many accounts, removing a domain's data needs no progress bar.
const PROGRESS_FROM: u64 = 20;

#[derive(Subcommand)]
pub enum DomainsCommand {
    /// Block a domain (and its subdomains). Suspending removes its accounts' data.
    Block {
        domain: String,
        #[arg(long, default_value = "suspend", value_parser = ["suspend", "silence", "noop"])]
        severity: String,
        #[arg(long)]
        reject_media: bool,
        #[arg(long)]
        reject_reports: bool,
        /// Seen by staff only.
        #[arg(long)]
        private_comment: Option<String>,
        /// Shown publicly and in the published list.
        #[arg(long)]
        public_comment: Option<String>,
        /// Show the domain partly hidden in public lists (and leave it out of the published one).
        #[arg(long)]
        obfuscate: bool,
    },
    /// Remove this node's own block of a domain.
    Unblock { domain: String },
    /// Allow a domain (the only ones federated with in allowlist mode).
    Allow {
        domain: String,
        #[arg(long)]
        comment: Option<String>,
    },
    /// Remove this node's own allow entry of a domain.
    Disallow { domain: String },
    /// List every entry, local and subscribed.
    List,
    /// Show the federation mode, or set it (open | allowlist).
    Mode {
        #[arg(value_parser = ["open", "allowlist"])]
        mode: Option<String>,
    },
    /// Subscribe to a published block or allow list (fetched now and periodically).
    Subscribe {
        url: String,
        #[arg(long, default_value = "block", value_parser = ["block", "allow"])]
        kind: String,
        /// Higher wins when two lists name the same domain; local entries always win.
        #[arg(long, default_value_t = 0)]
        priority: i32,
        #[arg(long, default_value = "")]
        title: String,
    },
    /// Unsubscribe (the entries that came from the list go).
    Unsubscribe { id: i64 },
    /// List subscriptions; `subscriptions refresh` fetches them all now.
    Subscriptions {
        #[command(subcommand)]
        action: Option<SubscriptionsAction>,
    },
    /// Fetch subscribed lists now (one by id, or all).
    Refresh { id: Option<i64> },
}

#[derive(Subcommand)]
pub enum SubscriptionsAction {
    /// Fetch every subscribed list now.
    Refresh,
}

fn progress() -> impl Fn(u64, u64) + Sync {
    let bar: OnceLock<ProgressBar> = OnceLock::new();
    move |done, total| {
        let bar = bar.get_or_init(|| {
            if total < PROGRESS_FROM {
                return ProgressBar::hidden();
            }
            let bar = ProgressBar::new(total);
            if let Ok(style) =
                ProgressStyle::with_template("removing accounts {bar:40} {pos}/{len} ({eta})")
            {
                bar.set_style(style);
            }
            bar
        });
        bar.set_position(done);
        if done >= total {
            bar.finish_and_clear();
        }
    }
}

fn entry_json(e: &domain_permission::Model) -> Value {
    json!({
        "id": e.id.to_string(), "domain": e.domain, "kind": e.kind, "severity": e.severity,
        "reject_media": e.reject_media, "reject_reports": e.reject_reports,
        "obfuscate": e.obfuscate, "private_comment": e.private_comment,
        "public_comment": e.public_comment,
        "subscription_id": e.subscription_id.map(|id| id.to_string()),
    })
}

fn subscription_json(s: &domain_subscription::Model) -> Value {
    json!({
        "id": s.id.to_string(), "url": s.url, "kind": s.kind, "priority": s.priority,
        "title": s.title, "entry_count": s.entry_count,
        "fetched_at": s.fetched_at, "succeeded_at": s.succeeded_at, "last_error": s.last_error,
    })
}

fn print_entry(e: &domain_permission::Model) {
    let source = e
        .subscription_id
        .map(|id| format!("subscription {id}"))
        .unwrap_or_else(|| "local".into());
    let flags = [
        (e.reject_media, "reject_media"),
        (e.reject_reports, "reject_reports"),
        (e.obfuscate, "obfuscate"),
    ]
    .iter()
    .filter(|(on, _)| *on)
    .map(|(_, name)| *name)
    .collect::<Vec<_>>()
    .join(",");
    println!(
        "{:<20} {:<6} {:<32} {:<8} {:<28} {:<18} {}",
        e.id, e.kind, e.domain, e.severity, flags, source, e.private_comment
    );
}

fn print_applied(applied: &Applied) {
    if applied.accounts_removed > 0 || applied.deliveries_dropped > 0 {
        println!(
            "removed {} accounts, dropped {} queued deliveries",
            applied.accounts_removed, applied.deliveries_dropped
        );
    }
}

/// Runs one `halqa admin domains` command.
pub async fn run(
    data: &Data<AppState>,
    command: DomainsCommand,
    as_json: bool,
) -> anyhow::Result<()> {
    let state: &AppState = data;
    let out = |value: Value| {
        println!(
            "{}",
            serde_json::to_string_pretty(&value).unwrap_or_default()
        )
    };
    match command {
        DomainsCommand::Block {
            domain,
            severity,
            reject_media,
            reject_reports,
            private_comment,
            public_comment,
            obfuscate,
        } => {
            let input = BlockInput {
                domain: Some(domain),
                severity: Some(severity),
                reject_media: Some(reject_media),
                reject_reports: Some(reject_reports),
                private_comment,
                public_comment,
                obfuscate: Some(obfuscate),
            };
            let (row, applied) = entries::create_block(state, None, input, &progress()).await?;
            if as_json {
                out(json!({"entry": entry_json(&row), "applied": applied}));
            } else {
                println!("blocked {} ({})", row.domain, row.severity);
                print_applied(&applied);
            }
        }
        DomainsCommand::Unblock { domain } => {
            let row = entries::delete_by_domain(state, None, KIND_BLOCK, &domain).await?;
            if as_json {
                out(entry_json(&row));
            } else {
                println!("unblocked {}", row.domain);
            }
        }
        DomainsCommand::Allow { domain, comment } => {
            let row = entries::create_allow(state, None, &domain, comment, None).await?;
            if as_json {
                out(entry_json(&row));
            } else {
                println!("allowed {}", row.domain);
            }
        }
        DomainsCommand::Disallow { domain } => {
            let row = entries::delete_by_domain(state, None, KIND_ALLOW, &domain).await?;
            if as_json {
                out(entry_json(&row));
            } else {
                println!("no longer allowed: {}", row.domain);
            }
        }
        DomainsCommand::List => {
            let mut rows = entries::list(state, KIND_BLOCK).await?;
            rows.extend(entries::list(state, KIND_ALLOW).await?);
            if as_json {
                out(json!({
                    "mode": federation_policy::mode(state).await?,
                    "config_blocked_domains": state.config.federation.blocked_domains,
                    "entries": rows.iter().map(entry_json).collect::<Vec<_>>(),
                }));
            } else {
                println!("mode: {}", federation_policy::mode(state).await?);
                for d in &state.config.federation.blocked_domains {
                    println!("(config) block {d} suspend");
                }
                println!(
                    "{:<20} {:<6} {:<32} {:<8} {:<28} {:<18} comment",
                    "id", "kind", "domain", "severity", "flags", "source"
                );
                rows.iter().for_each(print_entry);
            }
        }
        DomainsCommand::Mode { mode } => {
            let mode = match mode {
                Some(mode) => federation_policy::set_mode(state, None, &mode).await?,
                None => federation_policy::mode(state).await?,
            };
            if as_json {
                out(json!({"mode": mode}));
            } else {
                println!("mode: {mode}");
            }
        }
        DomainsCommand::Subscribe {
            url,
            kind,
            priority,
            title,
        } => {
            let new = NewSubscription {
                url,
                kind,
                priority,
                title,
            };
            let (row, first) = subscriptions::subscribe(state, None, new).await?;
            if as_json {
                out(json!({
                    "subscription": subscription_json(&row),
                    "first_fetch": match &first {
                        Ok(applied) => json!({"ok": true, "applied": applied}),
                        Err(e) => json!({"ok": false, "error": e}),
                    },
                }));
            } else {
                println!("subscribed {} ({}), id {}", row.url, row.kind, row.id);
                match first {
                    Ok(applied) => {
                        println!("{} entries", row.entry_count);
                        print_applied(&applied);
                    }
                    Err(e) => println!("the first fetch failed: {e}"),
                }
            }
        }
        DomainsCommand::Unsubscribe { id } => {
            let row = subscriptions::unsubscribe(state, None, id).await?;
            if as_json {
                out(subscription_json(&row));
            } else {
                println!("unsubscribed {}", row.url);
            }
        }
        DomainsCommand::Subscriptions { action: None } => {
            let rows = subscriptions::list(state).await?;
            if as_json {
                out(json!(
                    rows.iter().map(subscription_json).collect::<Vec<_>>()
                ));
            } else {
                for s in rows {
                    println!(
                        "{:<20} {:<6} prio {:<5} {:>6} entries  {}  {}",
                        s.id,
                        s.kind,
                        s.priority,
                        s.entry_count,
                        s.url,
                        s.last_error.as_deref().unwrap_or("")
                    );
                }
            }
        }
        DomainsCommand::Subscriptions {
            action: Some(SubscriptionsAction::Refresh),
        }
        | DomainsCommand::Refresh { id: None } => {
            let report = subscriptions::refresh_all(state, false, &progress()).await?;
            if as_json {
                out(json!(report));
            } else {
                println!(
                    "{} lists refreshed, {} failed; removed {} accounts, dropped {} deliveries",
                    report.refreshed,
                    report.failed,
                    report.accounts_removed,
                    report.deliveries_dropped
                );
            }
        }
        DomainsCommand::Refresh { id: Some(id) } => {
            let applied = subscriptions::refresh(state, id, &progress()).await?;
            let row = subscriptions::get(state, id).await?;
            if as_json {
                out(json!({"subscription": subscription_json(&row), "applied": applied}));
            } else {
                println!("{}: {} entries", row.url, row.entry_count);
                print_applied(&applied);
            }
        }
    }
    Ok(())
}
