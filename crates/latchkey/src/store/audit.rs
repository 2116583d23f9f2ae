//! The audit trail: append-only events in a hash chain. Every write of an
//! event goes through [`append`]; `latchkey audit verify` walks the chain.

use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::{AnyConnection, Row};

use super::{Store, StoreError};

/// The hash before the first event.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";
/// Events read at a time while verifying or exporting.
const PAGE: i64 = 10_000;

/// An event about to be written.
#[derive(Debug, Clone, Copy)]
pub struct NewEvent<'a> {
    pub at: i64,
    /// `self-service`, `cli`, `directory`, `staff:USERNAME`, …
    pub actor: &'a str,
    /// What happened: a step or a rule id, never a password or a code.
    pub action: &'a str,
    pub account_id: Option<i64>,
    /// The client address, where there is one.
    pub address: &'a str,
    /// Free text a person wrote (a help desk agent's reason), never a secret.
    pub detail: &'a str,
}

/// An event as stored, with its place in the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEvent {
    pub seq: i64,
    pub at: i64,
    pub actor: String,
    pub action: String,
    pub account_id: Option<i64>,
    pub address: String,
    pub detail: String,
    pub prev_hash: String,
    pub hash: String,
}

impl AuditEvent {
    /// The hash this event must carry after `prev_hash`: SHA-256 over the
    /// previous hash and the event's fields as one JSON array.
    pub fn chained_hash(&self, prev_hash: &str) -> String {
        let fields = serde_json::json!([
            self.seq,
            self.at,
            self.actor,
            self.action,
            self.account_id,
            self.address,
            self.detail
        ]);
        let mut digest = Sha256::new();
        digest.update(prev_hash.as_bytes());
        digest.update(b"\n");
        digest.update(fields.to_string().as_bytes());
        hex::encode(digest.finalize())
    }
}

/// What `verify` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainCheck {
    Intact { events: i64, head: String },
    Broken { seq: i64, problem: Break },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Break {
    /// Its fields no longer give its hash.
    Altered,
    /// No event holds this place.
    Removed,
    /// Intact in itself, but not chained to the event before it.
    Reordered,
    /// An event (this id) outside the chain: written around Latchkey.
    Unchained { id: i64 },
}

impl std::fmt::Display for ChainCheck {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ChainCheck::Intact { events, head } => {
                write!(f, "{events} events, chain intact; head {head}")
            }
            ChainCheck::Broken { seq, problem } => match problem {
                Break::Altered => write!(
                    f,
                    "event {seq} was altered: its fields no longer match its hash"
                ),
                Break::Removed => write!(
                    f,
                    "event {seq} was removed: no event holds its place in the chain"
                ),
                Break::Reordered => write!(
                    f,
                    "event {seq} was reordered or replaced: it does not follow event {}",
                    seq - 1
                ),
                Break::Unchained { id } => write!(
                    f,
                    "the event with id {id} is outside the chain: it was written around Latchkey"
                ),
            },
        }
    }
}

/// Appends one event, in the caller's transaction: claims the next place
/// and the previous hash from the head (which serialises appends), writes
/// the event, moves the head.
pub(super) async fn append(
    conn: &mut AnyConnection,
    event: &NewEvent<'_>,
) -> Result<(), sqlx::Error> {
    let head = sqlx::query("UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash")
        .fetch_one(&mut *conn)
        .await?;
    let (seq, prev_hash): (i64, String) = (head.try_get("seq")?, head.try_get("hash")?);
    let stored = AuditEvent {
        seq,
        at: event.at,
        actor: event.actor.to_owned(),
        action: event.action.to_owned(),
        account_id: event.account_id,
        address: event.address.to_owned(),
        detail: event.detail.to_owned(),
        hash: String::new(),
        prev_hash,
    };
    let hash = stored.chained_hash(&stored.prev_hash);
    sqlx::query(
        "INSERT INTO audit_events (seq, at, actor, action, account_id, address, detail, prev_hash, hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(seq)
    .bind(stored.at)
    .bind(&stored.actor)
    .bind(&stored.action)
    .bind(stored.account_id)
    .bind(&stored.address)
    .bind(&stored.detail)
    .bind(&stored.prev_hash)
    .bind(&hash)
    .execute(&mut *conn)
    .await?;
    sqlx::query("UPDATE audit_head SET hash = $1 WHERE id = 1")
        .bind(&hash)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

const EVENT_COLUMNS: &str =
    "seq, at, actor, action, account_id, COALESCE(address, '') AS address, detail, prev_hash, hash";

fn event_from_row(row: &sqlx::any::AnyRow) -> Result<AuditEvent, sqlx::Error> {
    Ok(AuditEvent {
        seq: row.try_get("seq")?,
        at: row.try_get("at")?,
        actor: row.try_get("actor")?,
        action: row.try_get("action")?,
        account_id: row.try_get("account_id")?,
        address: row.try_get("address")?,
        detail: row.try_get("detail")?,
        prev_hash: row.try_get("prev_hash")?,
        hash: row.try_get("hash")?,
    })
}

impl Store {
    /// Appends one event on its own.
    pub async fn append_event(&self, event: &NewEvent<'_>) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        append(&mut tx, event).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Appends many events in one transaction (imports, benchmarks).
    pub async fn append_events(&self, events: &[NewEvent<'_>]) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        for event in events {
            append(&mut tx, event).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Events in the chain after place `after`, at or after `since`, oldest
    /// first, at most `limit`.
    pub async fn events_page(
        &self,
        after: i64,
        since: i64,
        limit: i64,
    ) -> Result<Vec<AuditEvent>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {EVENT_COLUMNS} FROM audit_events
             WHERE seq > $1 AND at >= $2 ORDER BY seq LIMIT $3"
        ))
        .bind(after)
        .bind(since)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(event_from_row).collect::<Result<_, _>>()?)
    }

    /// The newest events about one account, newest first.
    pub async fn events_of(
        &self,
        account_id: i64,
        limit: i64,
    ) -> Result<Vec<AuditEvent>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {EVENT_COLUMNS} FROM audit_events
             WHERE account_id = $1 AND seq IS NOT NULL ORDER BY seq DESC LIMIT $2"
        ))
        .bind(account_id)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(event_from_row).collect::<Result<_, _>>()?)
    }

    /// The newest events about `account_id` (if given), by an actor (if
    /// given), with an action starting with `action`, at or after `since`,
    /// before place `before`.
    pub async fn search_events(
        &self,
        account_id: Option<i64>,
        actor: &str,
        action: &str,
        since: i64,
        before: i64,
        limit: i64,
    ) -> Result<Vec<AuditEvent>, StoreError> {
        let prefix = super::like_prefix(action);
        let rows = sqlx::query(&format!(
            "SELECT {EVENT_COLUMNS} FROM audit_events
             WHERE seq IS NOT NULL AND seq < $6
               AND ($1 IS NULL OR account_id = $1) AND ($2 = '' OR actor = $2)
               AND action LIKE $3 ESCAPE '\\' AND at >= $4
             ORDER BY seq DESC LIMIT $5"
        ))
        .bind(account_id)
        .bind(actor)
        .bind(prefix)
        .bind(since)
        .bind(limit)
        .bind(before)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(event_from_row).collect::<Result<_, _>>()?)
    }

    /// The username and name of each account among `ids` still here.
    pub async fn names_of(
        &self,
        ids: &[i64],
    ) -> Result<std::collections::HashMap<i64, (String, String)>, StoreError> {
        let mut names = std::collections::HashMap::new();
        for chunk in ids.chunks(500) {
            let list = chunk
                .iter()
                .map(i64::to_string)
                .collect::<Vec<_>>()
                .join(",");
            // Numbers only, written by us: no input reaches this text.
            let rows = sqlx::query(&format!(
                "SELECT id, username, display_name FROM accounts WHERE id IN ({list})"
            ))
            .fetch_all(&self.pool)
            .await?;
            for row in rows {
                names.insert(
                    row.try_get("id")?,
                    (row.try_get("username")?, row.try_get("display_name")?),
                );
            }
        }
        Ok(names)
    }

    /// Walks the whole chain, a page at a time, and names the first event
    /// that was altered, removed or reordered.
    pub async fn verify_audit(&self) -> Result<ChainCheck, StoreError> {
        let mut checks = self.audit_breaks().await?;
        Ok(checks.remove(0))
    }

    /// Walks the whole chain and names every event that was altered,
    /// removed or reordered, in chain order: after each break the walk picks
    /// the chain up again from the event as stored. One `Intact` when none.
    pub async fn audit_breaks(&self) -> Result<Vec<ChainCheck>, StoreError> {
        let outside: Vec<i64> =
            sqlx::query_scalar("SELECT id FROM audit_events WHERE seq IS NULL ORDER BY id")
                .fetch_all(&self.pool)
                .await?;
        let mut breaks: Vec<ChainCheck> = outside
            .into_iter()
            .map(|id| broken(0, Break::Unchained { id }))
            .collect();
        let head = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
            .fetch_one(&self.pool)
            .await?;
        let (head_seq, head_hash): (i64, String) = (head.try_get("seq")?, head.try_get("hash")?);
        let (mut expected, mut prev) = (1_i64, GENESIS.to_owned());
        loop {
            let page = self.events_page(expected - 1, i64::MIN, PAGE).await?;
            if page.is_empty() {
                break;
            }
            for event in page {
                if event.seq != expected {
                    breaks.extend((expected..event.seq).map(|seq| broken(seq, Break::Removed)));
                    // What came before the gap is gone: pick the chain up
                    // from what this event says it follows.
                    expected = event.seq;
                    prev = event.prev_hash.clone();
                }
                if event.prev_hash != prev {
                    let intact = event.chained_hash(&event.prev_hash) == event.hash;
                    let problem = if intact {
                        Break::Reordered
                    } else {
                        Break::Altered
                    };
                    breaks.push(broken(expected, problem));
                } else if event.chained_hash(&prev) != event.hash {
                    breaks.push(broken(expected, Break::Altered));
                }
                prev = event.hash;
                expected += 1;
            }
        }
        let events = expected - 1;
        if head_seq > events {
            breaks.extend((expected..=head_seq).map(|seq| broken(seq, Break::Removed)));
        } else if head_seq < events || head_hash != prev {
            // The head was moved back or rewritten: the last event is suspect.
            breaks.push(broken(events.max(1), Break::Altered));
        }
        if breaks.is_empty() {
            breaks.push(ChainCheck::Intact { events, head: prev });
        }
        Ok(breaks)
    }

    /// Chains the events written before the chain existed, in id order,
    /// once: only while the chain is still empty. Later events outside the
    /// chain are tampering, reported by [`Store::verify_audit`], never adopted.
    pub(super) async fn chain_earlier_events(&self) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        let started: i64 = sqlx::query_scalar("SELECT seq FROM audit_head WHERE id = 1")
            .fetch_one(&mut *tx)
            .await?;
        if started > 0 {
            return Ok(());
        }
        let rows = sqlx::query(
            "SELECT id, at, actor, action, account_id, COALESCE(address, '') AS address, detail
             FROM audit_events WHERE seq IS NULL ORDER BY id",
        )
        .fetch_all(&mut *tx)
        .await?;
        for row in rows {
            let id: i64 = row.try_get("id")?;
            let (actor, action, address, detail): (String, String, String, String) = (
                row.try_get("actor")?,
                row.try_get("action")?,
                row.try_get("address")?,
                row.try_get("detail")?,
            );
            let event = NewEvent {
                at: row.try_get("at")?,
                actor: &actor,
                action: &action,
                account_id: row.try_get("account_id")?,
                address: &address,
                detail: &detail,
            };
            // Written anew in the chain, the unchained original removed.
            sqlx::query("DELETE FROM audit_events WHERE id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            append(&mut tx, &event).await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

fn broken(seq: i64, problem: Break) -> ChainCheck {
    ChainCheck::Broken { seq, problem }
}
