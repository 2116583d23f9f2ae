//! Pending directory writes settled after the fact (the directory took a
//! change whose answer was lost, or this store failed to take it): the
//! person is told and their other sessions end, as for any change.

use super::Told;
use super::authority::LockoutGate;
use super::change::after_change;
use crate::directory::{Settled, Writeback, reconcile};
use crate::secrets::SecretKey;
use crate::store::{Store, StoreError};

/// Settles every pending write that is due; each one stored here too is
/// followed by the same notices and sign-outs as a change made at once.
pub async fn settle_pending(
    store: &Store,
    writeback: &Writeback,
    key: &SecretKey,
    keep: usize,
    told: &Told<'_>,
    now: i64,
) -> Result<Vec<(String, Settled)>, StoreError> {
    let outcomes = reconcile(
        store,
        writeback.directory.as_ref(),
        &LockoutGate {
            store,
            settings: writeback.lockout,
            now,
            copy: None,
        },
        key,
        keep,
        writeback.retry_seconds,
        now,
    )
    .await?;
    for (username, settled) in &outcomes {
        if *settled != Settled::Stored {
            continue;
        }
        if let Some(account) = store.find_account(username).await? {
            after_change(store, told, &account, None, &[]).await?;
        }
    }
    Ok(outcomes)
}
