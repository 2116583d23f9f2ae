//! What the reports read: counts of audit events by day and by action, by
//! actor, by address, and the accounts' ways. Each is one indexed query
//! (`audit_events (at, action, actor)`), so a report's cost grows with the
//! events in its range, not with the whole trail.

use std::collections::HashMap;

use sqlx::Row;

use super::{Store, StoreError};

/// Accounts here (and in the directory), with each way to prove who they are.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Coverage {
    pub accounts: i64,
    /// A phone, an app or a passkey: a way to reset online.
    pub any: i64,
    pub phone: i64,
    pub app: i64,
    pub passkey: i64,
    pub recovery: i64,
    pub other_email: i64,
}

/// Each account's ways besides its phone (`w.app`, `w.passkey`,
/// `w.recovery`: 1 or NULL), grouped once rather than asked account by account.
const WAYS_JOIN: &str = "LEFT JOIN (
    SELECT account_id, MAX(app) AS app, MAX(passkey) AS passkey, MAX(recovery) AS recovery
    FROM (SELECT account_id,
                 CASE WHEN kind = 'totp' THEN 1 ELSE 0 END AS app,
                 CASE WHEN kind = 'passkey' THEN 1 ELSE 0 END AS passkey,
                 0 AS recovery
          FROM methods WHERE verified_at IS NOT NULL AND kind IN ('totp', 'passkey')
          UNION ALL
          SELECT account_id, 0, 0, 1 FROM recovery_codes WHERE used_at IS NULL) ways
    GROUP BY account_id) w ON w.account_id = a.id";

/// The SQL that is true for an account with a way to reset online (with [`WAYS_JOIN`]).
/// Never NULL, so `NOT` it holds for an account with no ways row.
const HAS_A_WAY: &str =
    "(a.phone IS NOT NULL OR COALESCE(w.app, 0) = 1 OR COALESCE(w.passkey, 0) = 1)";

/// `action LIKE 'p1%' OR …` for the prefixes given, and their binds.
fn prefixes_clause(first_bind: usize, prefixes: &[&str]) -> (String, Vec<String>) {
    let clause = (0..prefixes.len())
        .map(|i| format!("e.action LIKE ${} ESCAPE '\\'", first_bind + i))
        .collect::<Vec<_>>()
        .join(" OR ");
    let binds = prefixes.iter().map(|p| super::like_prefix(p)).collect();
    (format!("({clause})"), binds)
}

impl Store {
    /// How many accounts still in the directory have each way: one pass
    /// over the accounts, each joined to its ways counted once.
    pub async fn coverage(&self) -> Result<Coverage, StoreError> {
        let sum = |test: &str| {
            format!("CAST(COALESCE(SUM(CASE WHEN {test} THEN 1 ELSE 0 END), 0) AS BIGINT)")
        };
        let row = sqlx::query(&format!(
            "SELECT COUNT(*) AS accounts, {} AS any_way, {} AS phone, {} AS app, {} AS passkey,
                    {} AS recovery, {} AS other_email
             FROM accounts a {WAYS_JOIN}
             WHERE a.left_directory_at IS NULL",
            sum(HAS_A_WAY),
            sum("a.phone IS NOT NULL"),
            sum("w.app = 1"),
            sum("w.passkey = 1"),
            sum("w.recovery = 1"),
            sum("a.alt_email IS NOT NULL"),
        ))
        .fetch_one(&self.pool)
        .await?;
        Ok(Coverage {
            accounts: row.try_get("accounts")?,
            any: row.try_get("any_way")?,
            phone: row.try_get("phone")?,
            app: row.try_get("app")?,
            passkey: row.try_get("passkey")?,
            recovery: row.try_get("recovery")?,
            other_email: row.try_get("other_email")?,
        })
    }

    /// Accounts with no way to reset online, by department ("" where the
    /// directory does not say), most first.
    pub async fn unregistered_by_department(&self) -> Result<Vec<(String, i64)>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT COALESCE(a.department, '') AS department, COUNT(*) AS accounts
             FROM accounts a {WAYS_JOIN}
             WHERE a.left_directory_at IS NULL AND NOT {HAS_A_WAY}
             GROUP BY COALESCE(a.department, '') ORDER BY accounts DESC, department"
        ))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| Ok((row.try_get("department")?, row.try_get("accounts")?)))
            .collect()
    }

    /// For each day (its place in `days`, each `[start, end)` in Unix
    /// seconds, one after the other), how many events of each action
    /// starting with one of `prefixes` it holds. One range scan of the
    /// `(at, action, actor)` index: an event's day is its time shifted by
    /// the zone's offset then, over 86,400 (the offset changes only where
    /// the clocks do, so it is a short `CASE`).
    pub async fn events_by_day(
        &self,
        days: &[(i64, i64)],
        prefixes: &[&str],
    ) -> Result<Vec<(usize, String, i64)>, StoreError> {
        let (Some(first), Some(last)) = (days.first(), days.last()) else {
            return Ok(Vec::new());
        };
        if prefixes.is_empty() {
            return Ok(Vec::new());
        }
        // Where a day starts later or earlier than whole days from the
        // first would: that shift, from the day it begins.
        let mut shifts: Vec<(i64, i64)> = Vec::new();
        for (n, (start, _)) in days.iter().enumerate() {
            let shift = first.0 + 86_400 * n as i64 - start;
            if shifts.last().is_none_or(|(_, s)| *s != shift) {
                shifts.push((*start, shift));
            }
        }
        let mut binds: Vec<i64> = vec![first.0, last.1];
        let mut case = String::from("CASE");
        for pair in shifts.windows(2) {
            let ((_, before), (from, _)) = (pair[0], pair[1]);
            binds.extend([from, before]);
            let n = binds.len();
            case.push_str(&format!(" WHEN e.at < ${} THEN ${n}", n - 1));
        }
        binds.push(shifts.last().map_or(0, |(_, shift)| *shift));
        let case = match shifts.len() {
            // No clock change in the range: one shift.
            1 => format!("${}", binds.len()),
            _ => format!("{case} ELSE ${} END", binds.len()),
        };
        let (clause, patterns) = prefixes_clause(binds.len() + 1, prefixes);
        let sql = format!(
            "SELECT (e.at + {case} - $1) / 86400 AS n, e.action AS action, COUNT(*) AS events
             FROM audit_events e
             WHERE e.at >= $1 AND e.at < $2 AND {clause}
             GROUP BY 1, e.action"
        );
        let mut query = sqlx::query(&sql);
        for bind in binds {
            query = query.bind(bind);
        }
        for pattern in patterns {
            query = query.bind(pattern);
        }
        let rows = query.fetch_all(&self.pool).await?;
        let mut counts = Vec::with_capacity(rows.len());
        for row in rows {
            let n: i64 = row.try_get("n")?;
            if let Ok(n) = usize::try_from(n)
                && n < days.len()
            {
                counts.push((n, row.try_get("action")?, row.try_get("events")?));
            }
        }
        Ok(counts)
    }

    /// Events in `[from, to)` by `actor_prefix…` actors, counted by actor
    /// and action.
    pub async fn events_by_actor(
        &self,
        (from, to): (i64, i64),
        actor_prefix: &str,
    ) -> Result<Vec<(String, String, i64)>, StoreError> {
        let rows = sqlx::query(
            "SELECT e.actor AS actor, e.action AS action, COUNT(*) AS events FROM audit_events e
             WHERE e.at >= $1 AND e.at < $2 AND e.actor LIKE $3 ESCAPE '\\'
             GROUP BY e.actor, e.action",
        )
        .bind(from)
        .bind(to)
        .bind(super::like_prefix(actor_prefix))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok((
                    row.try_get("actor")?,
                    row.try_get("action")?,
                    row.try_get("events")?,
                ))
            })
            .collect()
    }

    /// Events in `[from, to)` whose action starts with one of `prefixes`,
    /// counted by the address they came from.
    pub async fn events_by_address(
        &self,
        (from, to): (i64, i64),
        prefixes: &[&str],
    ) -> Result<HashMap<String, i64>, StoreError> {
        let (clause, binds) = prefixes_clause(3, prefixes);
        let sql = format!(
            "SELECT COALESCE(e.address, '') AS address, COUNT(*) AS events FROM audit_events e
             WHERE e.at >= $1 AND e.at < $2 AND {clause}
             GROUP BY COALESCE(e.address, '')"
        );
        let mut query = sqlx::query(&sql).bind(from).bind(to);
        for bind in binds {
            query = query.bind(bind);
        }
        let rows = query.fetch_all(&self.pool).await?;
        rows.iter()
            .map(|row| Ok((row.try_get("address")?, row.try_get("events")?)))
            .collect()
    }
}
