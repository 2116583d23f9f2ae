//! The secrets stored sealed under the server's key, wherever they are, so
//! that `latchkey secrets rotate` can move every one to a new key.
//! (A CAPTCHA's sealed answer lives as long as its reset, minutes: it is
//! left to expire, and the old key stays retired until then.)

use sqlx::Row;

use super::{Store, StoreError};
use crate::secrets::{Resealed, SecretKey};

/// One place sealed values are kept, and what they were sealed for.
pub struct SealedPlace {
    /// How `latchkey secrets` names it.
    pub name: &'static str,
    table: &'static str,
    id: &'static str,
    column: &'static str,
    filter: &'static str,
    purpose: &'static str,
}

pub const SEALED_PLACES: [SealedPlace; 5] = [
    SealedPlace {
        name: "authenticator apps",
        table: "methods",
        id: "id",
        column: "value",
        filter: "kind = 'totp'",
        purpose: crate::totp::SEAL_PURPOSE,
    },
    SealedPlace {
        name: "staff authenticators",
        table: "staff",
        id: "id",
        column: "totp_secret",
        filter: "1 = 1",
        purpose: crate::totp::SEAL_PURPOSE,
    },
    SealedPlace {
        name: "pending directory passwords",
        table: "directory_pending",
        id: "account_id",
        column: "sealed_password",
        filter: "1 = 1",
        purpose: crate::secrets::PENDING_PASSWORD_PURPOSE,
    },
    SealedPlace {
        name: "password history",
        table: "password_history",
        id: "id",
        column: "sealed",
        filter: "sealed IS NOT NULL",
        purpose: crate::secrets::HISTORY_PURPOSE,
    },
    SealedPlace {
        name: "messages waiting to be delivered",
        table: "deliveries",
        id: "id",
        column: "sealed",
        filter: "state = 'pending'",
        purpose: crate::secrets::DELIVERY_PURPOSE,
    },
];

/// What a rotation did in one place.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rotation {
    /// Under the current key already.
    pub current: usize,
    /// Moved from a retired key (or from before keys had ids).
    pub moved: usize,
    /// Opened by no key of the ring: left as they are.
    pub unreadable: usize,
}

impl Store {
    /// Re-seals every value of `place` under `key`'s current key (with
    /// `apply`; without it, only counts). Each is replaced only if it is
    /// still what was read: a change meanwhile wins.
    pub async fn reseal(
        &self,
        place: &SealedPlace,
        key: &SecretKey,
        apply: bool,
    ) -> Result<Rotation, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {id} AS id, {column} AS sealed FROM {table} WHERE {filter}",
            id = place.id,
            column = place.column,
            table = place.table,
            filter = place.filter,
        ))
        .fetch_all(&self.pool)
        .await?;
        let mut rotation = Rotation::default();
        for row in rows {
            let (id, sealed): (i64, String) = (row.try_get("id")?, row.try_get("sealed")?);
            match key.reseal(place.purpose, &sealed) {
                Resealed::Current => rotation.current += 1,
                Resealed::Unreadable => rotation.unreadable += 1,
                Resealed::Moved(_) if !apply => rotation.moved += 1,
                Resealed::Moved(moved) => {
                    sqlx::query(&format!(
                        "UPDATE {table} SET {column} = $1 WHERE {id} = $2 AND {column} = $3",
                        id = place.id,
                        column = place.column,
                        table = place.table,
                    ))
                    .bind(moved)
                    .bind(id)
                    .bind(&sealed)
                    .execute(&self.pool)
                    .await?;
                    rotation.moved += 1;
                }
            }
        }
        Ok(rotation)
    }
}
