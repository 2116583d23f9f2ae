//! The delivery queue (migration 0015): each message to send is a row,
//! claimed by one worker at a time under a lease, so a worker that dies
//! holding rows gives them back when its lease runs out.

use sqlx::Row;
use sqlx::any::AnyRow;

use super::{Store, StoreError};

/// A message to queue: its words are sealed by the caller.
#[derive(Debug, Clone)]
pub struct NewDelivery {
    /// `code`, `notice`, `reminder` or `link`.
    pub kind: &'static str,
    pub channel: &'static str,
    pub recipient: String,
    pub account_id: Option<i64>,
    pub sealed: String,
    pub expires_at: i64,
}

/// A queued message as stored.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Delivery {
    pub id: i64,
    pub created_at: i64,
    pub kind: String,
    pub channel: String,
    pub recipient: String,
    pub account_id: Option<i64>,
    #[serde(skip)]
    pub sealed: String,
    /// `pending`, `sent` or `expired`.
    pub state: String,
    pub attempts: i64,
    pub next_at: i64,
    pub expires_at: i64,
    pub last_error: Option<String>,
    pub done_at: Option<i64>,
}

const COLUMNS: &str = "id, created_at, kind, channel, recipient, account_id, sealed, state, \
                       attempts, next_at, expires_at, last_error, done_at";

fn delivery(row: &AnyRow) -> Result<Delivery, StoreError> {
    Ok(Delivery {
        id: row.try_get("id")?,
        created_at: row.try_get("created_at")?,
        kind: row.try_get("kind")?,
        channel: row.try_get("channel")?,
        recipient: row.try_get("recipient")?,
        account_id: row.try_get("account_id")?,
        sealed: row.try_get("sealed")?,
        state: row.try_get("state")?,
        attempts: row.try_get("attempts")?,
        next_at: row.try_get("next_at")?,
        expires_at: row.try_get("expires_at")?,
        last_error: row.try_get("last_error")?,
        done_at: row.try_get("done_at")?,
    })
}

/// Writes `deliveries` in `tx`, due now, so that a change and the
/// messages telling of it are stored together or not at all; their ids.
pub(super) async fn insert_deliveries(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    deliveries: &[NewDelivery],
    now: i64,
) -> Result<Vec<i64>, StoreError> {
    let mut ids = Vec::with_capacity(deliveries.len());
    for new in deliveries {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO deliveries (created_at, kind, channel, recipient, account_id, sealed, \
             next_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(now)
        .bind(new.kind)
        .bind(new.channel)
        .bind(&new.recipient)
        .bind(new.account_id)
        .bind(&new.sealed)
        .bind(now)
        .bind(new.expires_at)
        .fetch_one(&mut **tx)
        .await?;
        ids.push(id);
    }
    Ok(ids)
}

/// The rows of one channel waiting to be sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Backlog {
    pub channel: String,
    pub waiting: i64,
    /// When the oldest of them was queued (Unix seconds).
    pub oldest_at: i64,
}

/// Which rows a worker's loop takes: mail and phones apart, so that a mail
/// server that does not answer never holds a text or a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lane {
    Any,
    Mail,
    /// Texts and calls.
    Phone,
}

impl Store {
    /// Queues `deliveries` in one transaction, due now; their ids.
    pub async fn enqueue(
        &self,
        deliveries: &[NewDelivery],
        now: i64,
    ) -> Result<Vec<i64>, StoreError> {
        let mut tx = self.pool.begin().await?;
        let ids = insert_deliveries(&mut tx, deliveries, now).await?;
        tx.commit().await?;
        Ok(ids)
    }

    /// Claims the row `id` for `worker` until `until`, if it is pending and
    /// nobody holds it; the row as claimed.
    pub async fn claim_delivery(
        &self,
        id: i64,
        worker: &str,
        now: i64,
        until: i64,
    ) -> Result<Option<Delivery>, StoreError> {
        let claimed = sqlx::query(
            "UPDATE deliveries SET claimed_by = $1, claimed_until = $2 WHERE id = $3 \
             AND state = 'pending' AND (claimed_until IS NULL OR claimed_until < $4)",
        )
        .bind(worker)
        .bind(until)
        .bind(id)
        .bind(now)
        .execute(&self.pool)
        .await?;
        if claimed.rows_affected() != 1 {
            return Ok(None);
        }
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM deliveries WHERE id = $1"))
            .bind(id)
            .fetch_one(&self.pool)
            .await?;
        delivery(&row).map(Some)
    }

    /// The state (`pending`, `sent`, or `expired`: given up) of the newest
    /// code queued for `account_id`: whether it went out.
    pub async fn last_code_state(&self, account_id: i64) -> Result<Option<String>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT state FROM deliveries WHERE account_id = $1 AND kind = 'code' \
             ORDER BY id DESC LIMIT 1",
        )
        .bind(account_id)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// How many rows wait to be sent (and the oldest one's time queued),
    /// per channel: the queue's depth and age for `/metrics` and `/readyz`.
    pub async fn delivery_backlog(&self) -> Result<Vec<Backlog>, StoreError> {
        let rows: Vec<(String, i64, i64)> = sqlx::query_as(
            "SELECT channel, COUNT(*), MIN(created_at) FROM deliveries \
             WHERE state = 'pending' GROUP BY channel ORDER BY channel",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(channel, waiting, oldest_at)| Backlog {
                channel,
                waiting,
                oldest_at,
            })
            .collect())
    }

    /// Claims the oldest due row of `lane` nobody holds for `worker` until `until`.
    /// Each claim is one guarded update, so two workers (on two instances)
    /// never hold the same row; one that loses a race takes the next.
    pub async fn claim_next_due(
        &self,
        worker: &str,
        now: i64,
        until: i64,
        lane: Lane,
    ) -> Result<Option<Delivery>, StoreError> {
        let channels = match lane {
            Lane::Any => "",
            Lane::Mail => "AND channel = 'email' ",
            Lane::Phone => "AND channel <> 'email' ",
        };
        let due: Vec<i64> = sqlx::query_scalar(&format!(
            "SELECT id FROM deliveries WHERE state = 'pending' AND next_at <= $1 {channels}\
             AND (claimed_until IS NULL OR claimed_until < $2) ORDER BY id LIMIT 8"
        ))
        .bind(now)
        .bind(now)
        .fetch_all(&self.pool)
        .await?;
        for id in due {
            if let Some(row) = self.claim_delivery(id, worker, now, until).await? {
                return Ok(Some(row));
            }
        }
        Ok(None)
    }

    /// The provider took it: sent, its words forgotten. `false` if the
    /// worker no longer held it.
    pub async fn delivery_sent(&self, id: i64, worker: &str, now: i64) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE deliveries SET state = 'sent', sealed = '', done_at = $1, attempts = attempts + 1, \
             claimed_until = NULL, last_error = NULL WHERE id = $2 AND claimed_by = $3 AND state = 'pending'",
        )
        .bind(now)
        .bind(id)
        .bind(worker)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Not taken: tried again at `next_at`, or, with `next_at` `None`,
    /// given up (its lifetime is over), its words forgotten.
    pub async fn delivery_failed(
        &self,
        id: i64,
        worker: &str,
        error: &str,
        next_at: Option<i64>,
        now: i64,
    ) -> Result<(), StoreError> {
        let query = match next_at {
            Some(_) => {
                "UPDATE deliveries SET attempts = attempts + 1, last_error = $1, next_at = $2, \
                 claimed_until = NULL WHERE id = $3 AND claimed_by = $4 AND state = 'pending'"
            }
            None => {
                "UPDATE deliveries SET attempts = attempts + 1, last_error = $1, done_at = $2, \
                 state = 'expired', sealed = '', claimed_until = NULL \
                 WHERE id = $3 AND claimed_by = $4 AND state = 'pending'"
            }
        };
        sqlx::query(query)
            .bind(error)
            .bind(next_at.unwrap_or(now))
            .bind(id)
            .bind(worker)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The newest `limit` rows, of one account or of all; newest first.
    pub async fn deliveries(
        &self,
        account_id: Option<i64>,
        limit: i64,
    ) -> Result<Vec<Delivery>, StoreError> {
        let rows = match account_id {
            Some(account_id) => sqlx::query(&format!(
                "SELECT {COLUMNS} FROM deliveries WHERE account_id = $1 ORDER BY id DESC LIMIT $2"
            ))
            .bind(account_id)
            .bind(limit)
            .fetch_all(&self.pool)
            .await?,
            None => {
                sqlx::query(&format!(
                    "SELECT {COLUMNS} FROM deliveries ORDER BY id DESC LIMIT $1"
                ))
                .bind(limit)
                .fetch_all(&self.pool)
                .await?
            }
        };
        rows.iter().map(delivery).collect()
    }
}
