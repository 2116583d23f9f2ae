//! The outbox: where the built-in message provider puts texts, calls and
//! mails (`latchkey outbox`, the demo phone, the tests).

use sqlx::Row;

use super::{Store, StoreError};
use crate::model::message::Message;

/// One message as the outbox holds it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct OutboxEntry {
    pub id: i64,
    pub at: i64,
    pub channel: String,
    pub recipient: String,
    pub body: String,
}

impl Store {
    pub async fn append_outbox(&self, message: &Message, now: i64) -> Result<(), StoreError> {
        sqlx::query("INSERT INTO outbox (at, channel, recipient, body) VALUES ($1, $2, $3, $4)")
            .bind(now)
            .bind(message.channel.as_str())
            .bind(&message.recipient)
            .bind(if message.subject.is_empty() {
                message.body.clone()
            } else {
                format!("Subject: {}\n\n{}", message.subject, message.body)
            })
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The newest `limit` messages, newest first.
    pub async fn outbox(&self, limit: i64) -> Result<Vec<OutboxEntry>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, at, channel, recipient, body FROM outbox ORDER BY id DESC LIMIT $1",
        )
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(OutboxEntry {
                    id: row.try_get("id")?,
                    at: row.try_get("at")?,
                    channel: row.try_get("channel")?,
                    recipient: row.try_get("recipient")?,
                    body: row.try_get("body")?,
                })
            })
            .collect()
    }
}
