//! Paging over row ids, as Mastodon pages every list: older than `max_id`, newer than
//! `since_id` (newest first), or right after `min_id` (the oldest ones newer than it, still
//! returned newest first). One [`Cursor`] for sea-orm queries and for raw SQL.
use sea_orm::{ColumnTrait, QueryFilter, QueryOrder, QuerySelect, Value};

/// A page request over row ids: older than `max_id`, newer than `since_id` (newest first), or
/// right after `min_id` (the oldest ones newer than it, still returned newest first).
#[derive(Debug, Clone, Copy, Default)]
pub struct Cursor {
    pub max_id: Option<i64>,
    pub since_id: Option<i64>,
    pub min_id: Option<i64>,
    pub limit: u64,
}

impl Cursor {
    /// Filters, orders and limits `query` on `column` (a row id).
    pub fn apply<Q, C>(&self, mut query: Q, column: C) -> Q
    where
        Q: QueryFilter + QueryOrder + QuerySelect,
        C: ColumnTrait,
    {
        if let Some(max_id) = self.max_id {
            query = query.filter(column.lt(max_id));
        }
        if let Some(since_id) = self.since_id {
            query = query.filter(column.gt(since_id));
        }
        if let Some(min_id) = self.min_id {
            query = query.filter(column.gt(min_id)).order_by_asc(column);
        } else {
            query = query.order_by_desc(column);
        }
        query.limit(self.limit.max(1))
    }

    /// Puts rows read by [`Cursor::apply`] newest first.
    pub fn finish<T>(&self, mut rows: Vec<T>) -> Vec<T> {
        if self.min_id.is_some() {
            rows.reverse();
        }
        rows
    }

    /// `AND col < ? AND col > ?` and the ordering: ascending when paging forward with `min_id`
    /// (the caller reverses), newest first otherwise.
    pub fn sql_clauses(&self, col: &str, values: &mut Vec<Value>) -> (String, &'static str) {
        let mut sql = String::new();
        if let Some(max) = self.max_id {
            sql.push_str(&format!(" AND {col} < ?"));
            values.push(max.into());
        }
        if let Some(since) = self.since_id {
            sql.push_str(&format!(" AND {col} > ?"));
            values.push(since.into());
        }
        if let Some(min) = self.min_id {
            sql.push_str(&format!(" AND {col} > ?"));
            values.push(min.into());
            return (sql, "ASC");
        }
        (sql, "DESC")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::entity::bookmark;
    use sea_orm::{DbBackend, EntityTrait, QueryTrait};

    #[test]
    fn max_and_since_page_newest_first() {
        let cursor = Cursor {
            max_id: Some(50),
            since_id: Some(10),
            min_id: None,
            limit: 20,
        };
        let sql = cursor
            .apply(bookmark::Entity::find(), bookmark::Column::Id)
            .build(DbBackend::Sqlite)
            .to_string();
        assert!(sql.contains(r#""bookmark"."id" < 50"#), "{sql}");
        assert!(sql.contains(r#""bookmark"."id" > 10"#), "{sql}");
        assert!(sql.contains("DESC LIMIT 20"), "{sql}");
        assert_eq!(cursor.finish(vec![3, 2, 1]), vec![3, 2, 1]);
    }

    #[test]
    fn min_id_reads_the_oldest_newer_rows_then_turns_them_newest_first() {
        let cursor = Cursor {
            min_id: Some(10),
            limit: 2,
            ..Default::default()
        };
        let sql = cursor
            .apply(bookmark::Entity::find(), bookmark::Column::Id)
            .build(DbBackend::Sqlite)
            .to_string();
        assert!(sql.contains(r#""bookmark"."id" > 10"#), "{sql}");
        assert!(sql.contains("ASC LIMIT 2"), "{sql}");
        assert_eq!(cursor.finish(vec![11, 12]), vec![12, 11]);
        let mut values = Vec::new();
        let (clauses, order) = cursor.sql_clauses("p.id", &mut values);
        assert_eq!(clauses, " AND p.id > ?");
        assert_eq!(order, "ASC");
        assert_eq!(values.len(), 1);
    }

    #[test]
    fn a_zero_limit_still_reads_one_row() {
        let sql = Cursor::default()
            .apply(bookmark::Entity::find(), bookmark::Column::Id)
            .build(DbBackend::Sqlite)
            .to_string();
        assert!(sql.ends_with("LIMIT 1"), "{sql}");
    }
}
