//! Passkeys (methods of kind `passkey`) and WebAuthn ceremonies in flight.

use sqlx::Row;

use super::{NewEvent, Store, StoreError, audit};

/// A passkey as stored: the credential's JSON, and what its owner named it.
#[derive(Debug, Clone)]
pub struct StoredPasskey {
    pub id: i64,
    pub name: String,
    pub credential: String,
    pub created_at: i64,
}

impl Store {
    pub async fn passkeys(&self, account_id: i64) -> Result<Vec<StoredPasskey>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, name, value, created_at FROM methods
             WHERE account_id = $1 AND kind = 'passkey' ORDER BY id",
        )
        .bind(account_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(StoredPasskey {
                    id: row.try_get("id")?,
                    name: row
                        .try_get::<Option<String>, _>("name")?
                        .unwrap_or_default(),
                    credential: row.try_get("value")?,
                    created_at: row.try_get("created_at")?,
                })
            })
            .collect()
    }

    /// A new passkey and the event that records it, in one transaction.
    pub async fn add_passkey(
        &self,
        account_id: i64,
        name: &str,
        credential: &str,
        event: &NewEvent<'_>,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO methods (account_id, kind, value, name, verified_at, created_at)
             VALUES ($1, 'passkey', $2, $3, $4, $4)",
        )
        .bind(account_id)
        .bind(credential)
        .bind(name)
        .bind(event.at)
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE accounts SET methods_confirmed_at = $1 WHERE id = $2")
            .bind(event.at)
            .bind(account_id)
            .execute(&mut *tx)
            .await?;
        audit::append(&mut tx, event).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Removes one of the account's passkeys, with its event; false when
    /// it has no such passkey.
    pub async fn remove_passkey(
        &self,
        account_id: i64,
        id: i64,
        event: &NewEvent<'_>,
    ) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        let gone = sqlx::query(
            "DELETE FROM methods WHERE id = $1 AND account_id = $2 AND kind = 'passkey'",
        )
        .bind(id)
        .bind(account_id)
        .execute(&mut *tx)
        .await?;
        if gone.rows_affected() != 1 {
            return Ok(false);
        }
        audit::append(&mut tx, event).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// The credential after a use (its counter moved on).
    pub async fn update_passkey(&self, id: i64, credential: &str) -> Result<(), StoreError> {
        sqlx::query("UPDATE methods SET value = $1 WHERE id = $2 AND kind = 'passkey'")
            .bind(credential)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Keeps a ceremony's state for `holder` until `expires_at`, in place
    /// of any it had.
    pub async fn put_ceremony(
        &self,
        holder: &str,
        state: &str,
        expires_at: i64,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM ceremonies WHERE holder = $1")
            .bind(holder)
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO ceremonies (holder, state, expires_at) VALUES ($1, $2, $3)")
            .bind(holder)
            .bind(state)
            .bind(expires_at)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Takes `holder`'s ceremony (once), if it is live; forgets old ones.
    pub async fn take_ceremony(
        &self,
        holder: &str,
        now: i64,
    ) -> Result<Option<String>, StoreError> {
        sqlx::query("DELETE FROM ceremonies WHERE expires_at <= $1")
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok(
            sqlx::query_scalar("DELETE FROM ceremonies WHERE holder = $1 RETURNING state")
                .bind(holder)
                .fetch_optional(&self.pool)
                .await?,
        )
    }
}
