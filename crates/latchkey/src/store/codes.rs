//! One-time codes in flight, one table for every flow (migration 0011):
//! each session holds at most one, named by its holder
//! ([`crate::model::session::SessionKind::holder`]). A try is counted in
//! the same statement that reads the code, so two racing tries both count.

use sqlx::Row;

use super::{Store, StoreError};
use crate::model::code::OneTimeCode;
use crate::model::message::CodeUse;
use crate::model::method::Method;

/// A counted try at a code: the HMAC of the code that was sent, or `None`
/// for an authenticator app's code, which is checked against its secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeAttempt {
    pub code_hash: Option<String>,
}

/// How long a spent or expired code's row is kept before a sweep forgets it.
const KEPT_SECONDS: i64 = 3600;

impl Store {
    /// `holder`'s code in flight from now on, in place of any before it,
    /// with a fresh count of tries.
    pub async fn put_code(
        &self,
        holder: &str,
        code: &OneTimeCode,
        now: i64,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO one_time_codes (holder, purpose, subject, method, tag, expires_at, tries)
             VALUES ($1, $2, $3, $4, $5, $6, 0)
             ON CONFLICT (holder) DO UPDATE SET purpose = $2, subject = $3, method = $4, tag = $5,
                 expires_at = $6, tries = 0",
        )
        .bind(holder)
        .bind(code.purpose.as_str())
        .bind(code.subject)
        .bind(code.method.as_str())
        .bind(code.tag.as_deref())
        .bind(code.expires_at)
        .execute(&self.pool)
        .await?;
        sqlx::query("DELETE FROM one_time_codes WHERE expires_at < $1")
            .bind(now - KEPT_SECONDS)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// `holder`'s code in flight, as it stands (its tag left out).
    pub async fn code_of(&self, holder: &str) -> Result<Option<OneTimeCode>, StoreError> {
        let row = sqlx::query(
            "SELECT purpose, subject, method, expires_at, tries FROM one_time_codes WHERE holder = $1",
        )
        .bind(holder)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let purpose: String = row.try_get("purpose")?;
        let method: String = row.try_get("method")?;
        let corrupt =
            |what: &str, value: &str| StoreError::Corrupt(format!("a code's {what} {value:?}"));
        Ok(Some(OneTimeCode {
            purpose: CodeUse::parse(&purpose).ok_or_else(|| corrupt("purpose", &purpose))?,
            subject: row.try_get("subject")?,
            method: Method::parse(&method).ok_or_else(|| corrupt("method", &method))?,
            tag: None,
            expires_at: row.try_get("expires_at")?,
            tries: row.try_get("tries")?,
        }))
    }

    /// Counts one try at `holder`'s code for `purpose` (and `subject`, when
    /// it names one). `None` when there is none, it expired, or it was
    /// tried `max_tries` times: void.
    pub async fn try_code(
        &self,
        holder: &str,
        purpose: CodeUse,
        subject: Option<i64>,
        max_tries: i64,
        now: i64,
    ) -> Result<Option<CodeAttempt>, StoreError> {
        let tag: Option<Option<String>> = sqlx::query_scalar(
            "UPDATE one_time_codes SET tries = tries + 1
             WHERE holder = $1 AND purpose = $2 AND ($3 IS NULL OR subject = $3)
               AND tries < $4 AND expires_at > $5
             RETURNING tag",
        )
        .bind(holder)
        .bind(purpose.as_str())
        .bind(subject)
        .bind(max_tries)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        Ok(tag.map(|code_hash| CodeAttempt { code_hash }))
    }

    /// Forgets `holder`'s code in flight: used, or replaced by a change of step.
    pub async fn void_code(&self, holder: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM one_time_codes WHERE holder = $1")
            .bind(holder)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
