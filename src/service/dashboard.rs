//! The admin dashboard's figures (issue 7, part 6): active users and sign-ups over the last week
//! and month, posts, mentorship and resources, known nodes by institution kind, and delivery
//! queue health — aggregates only. Shown by `/api/v1/pln/admin/dashboard`, `/metrics` and
//! `halqa admin stats`.
use crate::{AppState, db, error::AppResult};
use chrono::{Duration, Utc};
use std::collections::{BTreeMap, HashMap};

/// Every figure of the dashboard.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Dashboard {
    pub active_users_week: u64,
    pub active_users_month: u64,
    pub sign_ups_week: u64,
    pub sign_ups_month: u64,
    pub posts_week: u64,
    #[serde(flatten)]
    pub totals: db::dashboard::Totals,
    pub deliveries_by_state: BTreeMap<String, i64>,
    pub failing_hosts: u64,
}

/// Reads every figure now.
pub async fn figures(state: &AppState) -> AppResult<Dashboard> {
    let db = &state.db.read;
    let now = Utc::now();
    let week = db::instance::week(db, now - Duration::days(7), now).await?;
    let month = db::instance::week(db, now - Duration::days(30), now).await?;
    let by_state: HashMap<String, i64> = db::deliveries::count_by_state(db).await?;
    Ok(Dashboard {
        active_users_week: week.logins,
        active_users_month: month.logins,
        sign_ups_week: week.registrations,
        sign_ups_month: month.registrations,
        posts_week: week.statuses,
        totals: db::dashboard::totals(db).await?,
        deliveries_by_state: by_state.into_iter().collect(),
        failing_hosts: db::deliveries::failing_hosts(db).await?.len() as u64,
    })
}

/// The same figures in Prometheus' text format.
pub fn prometheus(d: &Dashboard) -> String {
    let mut out = String::new();
    let mut gauge = |name: &str, help: &str, value: u64, labels: &str| {
        if !out.contains(&format!("# TYPE {name} ")) {
            out.push_str(&format!("# HELP {name} {help}\n# TYPE {name} gauge\n"));
        }
        out.push_str(&format!("{name}{labels} {value}\n"));
    };
    gauge(
        "halqa_active_users",
        "Local users active in the window.",
        d.active_users_week,
        "{window=\"week\"}",
    );
    gauge(
        "halqa_active_users",
        "Local users active in the window.",
        d.active_users_month,
        "{window=\"month\"}",
    );
    gauge(
        "halqa_sign_ups",
        "Sign-ups in the window.",
        d.sign_ups_week,
        "{window=\"week\"}",
    );
    gauge(
        "halqa_sign_ups",
        "Sign-ups in the window.",
        d.sign_ups_month,
        "{window=\"month\"}",
    );
    gauge(
        "halqa_posts_week",
        "Local posts in the last week.",
        d.posts_week,
        "",
    );
    gauge(
        "halqa_local_posts",
        "Local posts not deleted.",
        d.totals.local_posts,
        "",
    );
    gauge(
        "halqa_mentorship_offers_open",
        "Open local mentorship offers.",
        d.totals.mentorship_offers_open,
        "",
    );
    gauge(
        "halqa_mentorship_requests_pending",
        "Pending mentorship requests.",
        d.totals.mentorship_requests_pending,
        "",
    );
    gauge(
        "halqa_mentorships_active",
        "Active mentorships.",
        d.totals.mentorships_active,
        "",
    );
    gauge(
        "halqa_resources_shared",
        "Local teaching resources.",
        d.totals.resources_shared,
        "",
    );
    for (kind, n) in &d.totals.nodes_by_kind {
        let kind = kind.replace(['"', '\\', '\n'], "_");
        gauge(
            "halqa_known_nodes",
            "Known remote nodes by institution kind.",
            *n,
            &format!("{{kind=\"{kind}\"}}"),
        );
    }
    for (state, n) in &d.deliveries_by_state {
        let state = state.replace(['"', '\\', '\n'], "_");
        gauge(
            "halqa_deliveries",
            "Deliveries by state.",
            (*n).max(0) as u64,
            &format!("{{state=\"{state}\"}}"),
        );
    }
    gauge(
        "halqa_failing_hosts",
        "Hosts whose latest deliveries failed.",
        d.failing_hosts,
        "",
    );
    out
}
