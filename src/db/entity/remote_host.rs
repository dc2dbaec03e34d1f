//! `remote_host`: delivery health of each remote host (failure days, unavailable flag, cool-down).
use chrono::{DateTime, Utc};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "remote_host")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub host: String,
    pub software: Option<String>,
    /// Distinct days with failed deliveries since the last success.
    pub failure_days: i32,
    pub last_failure_at: Option<DateTime<Utc>>,
    pub last_success_at: Option<DateTime<Utc>>,
    pub unavailable: bool,
    /// Delivery batches in a row in which the host did not answer (0 once it answers).
    pub consecutive_failures: i32,
    /// No delivery goes to the host before this (circuit breaker, shared by every process).
    pub cooldown_until: Option<DateTime<Utc>>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
