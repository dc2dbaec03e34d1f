//! `halqa admin stats [--json]`: the admin dashboard's figures (aggregates only).
use activitypub_federation::config::Data;
use halqa::{AppState, service::dashboard};

/// Prints the dashboard's figures.
pub async fn run(data: &Data<AppState>, as_json: bool) -> anyhow::Result<()> {
    let d = dashboard::figures(data).await?;
    if as_json {
        println!("{}", serde_json::to_string_pretty(&d)?);
        return Ok(());
    }
    println!(
        "active users:        {} this week, {} this month",
        d.active_users_week, d.active_users_month
    );
    println!(
        "sign-ups:            {} this week, {} this month",
        d.sign_ups_week, d.sign_ups_month
    );
    println!(
        "posts:               {} this week, {} in all",
        d.posts_week, d.totals.local_posts
    );
    println!(
        "mentorship:          {} open offers, {} pending requests, {} active",
        d.totals.mentorship_offers_open,
        d.totals.mentorship_requests_pending,
        d.totals.mentorships_active
    );
    println!("resources shared:    {}", d.totals.resources_shared);
    let nodes: Vec<String> = d
        .totals
        .nodes_by_kind
        .iter()
        .map(|(k, n)| format!("{k} {n}"))
        .collect();
    println!("known nodes:         {}", nodes.join(", "));
    let queue: Vec<String> = d
        .deliveries_by_state
        .iter()
        .map(|(k, n)| format!("{k} {n}"))
        .collect();
    println!("deliveries:          {}", queue.join(", "));
    println!("failing hosts:       {}", d.failing_hosts);
    Ok(())
}
