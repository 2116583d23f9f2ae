//! Signed-in sessions and the changes people make to their own methods.
//! As in the reset flow, each change is one statement guarded by what it
//! expects to find, so two racing requests cannot both win.

use sqlx::Row;

use super::{Store, StoreError};
use crate::model::code::OneTimeCode;
use crate::model::session::SessionKind;

/// How far a session has come. Stored as its name, and so named in the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Stage {
    /// Not signed in: the sign-in form and its CSRF token.
    Signin,
    /// The password was right; a second factor is still owed.
    Factor,
    Active,
}

impl Stage {
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Signin => "signin",
            Stage::Factor => "factor",
            Stage::Active => "active",
        }
    }

    /// A stored stage; anything else is an error, never a quiet guess.
    pub(super) fn parse(text: &str) -> Result<Stage, StoreError> {
        match text {
            "signin" => Ok(Stage::Signin),
            "factor" => Ok(Stage::Factor),
            "active" => Ok(Stage::Active),
            other => Err(StoreError::Corrupt(format!("a session stage {other:?}"))),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountSession {
    pub id: String,
    pub csrf: String,
    pub stage: Stage,
    pub account_id: Option<i64>,
    /// When a second factor was last proven in this session.
    pub factor_at: Option<i64>,
    /// The code in flight: what it proves (a factor, a phone being
    /// registered) and how it was sent.
    pub code: Option<OneTimeCode>,
    /// A phone number being registered, waiting for its code.
    pub enrol_phone: Option<String>,
    /// Another email address being registered, waiting for its code.
    pub enrol_email: Option<String>,
    /// A sealed authenticator secret being registered, waiting for a first code.
    pub enrol_secret: Option<String>,
}

/// A session to create.
pub struct NewSession<'a> {
    pub id: &'a str,
    pub csrf: &'a str,
    pub stage: Stage,
    pub account_id: Option<i64>,
    pub factor_at: Option<i64>,
    pub address: &'a str,
    pub now: i64,
    pub expires_at: i64,
}

impl Store {
    pub async fn create_account_session(&self, new: &NewSession<'_>) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO account_sessions (id, csrf, stage, account_id, factor_at, client_address, created_at, last_seen_at, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8)",
        )
        .bind(new.id)
        .bind(new.csrf)
        .bind(new.stage.as_str())
        .bind(new.account_id)
        .bind(new.factor_at)
        .bind(new.address)
        .bind(new.now)
        .bind(new.expires_at)
        .execute(&self.pool)
        .await?;
        // Forget sessions past their absolute timeout: at sign-in, not on
        // every view of the sign-in form.
        if new.stage != Stage::Signin {
            sqlx::query("DELETE FROM account_sessions WHERE expires_at < $1")
                .bind(new.now)
                .execute(&self.pool)
                .await?;
        }
        Ok(())
    }

    /// The session, unless it is past its absolute timeout or was last
    /// used at or before `idle_cutoff` (`domain::session::live_bounds`);
    /// reading it counts as activity.
    pub async fn account_session(
        &self,
        id: &str,
        now: i64,
        idle_cutoff: i64,
    ) -> Result<Option<AccountSession>, StoreError> {
        // One statement: the touch and the read cannot be split by a sign-out.
        let row = sqlx::query(
            "UPDATE account_sessions SET last_seen_at = $1
             WHERE id = $2 AND expires_at > $1 AND last_seen_at > $3
             RETURNING id, csrf, stage, account_id, factor_at, enrol_phone, enrol_email, enrol_secret",
        )
        .bind(now)
        .bind(id)
        .bind(idle_cutoff)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        Ok(Some(AccountSession {
            id: row.try_get("id")?,
            csrf: row.try_get("csrf")?,
            stage: Stage::parse(&row.try_get::<String, _>("stage")?)?,
            account_id: row.try_get("account_id")?,
            factor_at: row.try_get("factor_at")?,
            code: self.code_of(&SessionKind::Person.holder(id)).await?,
            enrol_phone: row.try_get("enrol_phone")?,
            enrol_email: row.try_get("enrol_email")?,
            enrol_secret: row.try_get("enrol_secret")?,
        }))
    }

    pub async fn end_account_session(&self, id: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM account_sessions WHERE id = $1")
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Ends every session of the account but `keep`; returns how many ended.
    pub async fn end_sessions_of(
        &self,
        account_id: i64,
        keep: Option<&str>,
    ) -> Result<u64, StoreError> {
        let ended = sqlx::query("DELETE FROM account_sessions WHERE account_id = $1 AND id <> $2")
            .bind(account_id)
            .bind(keep.unwrap_or(""))
            .execute(&self.pool)
            .await?;
        Ok(ended.rows_affected())
    }

    /// A second factor was proven: the session is active, the code used up.
    /// A second factor is proven: the session is active under a new id (a
    /// rise in privilege, so a token planted before opens nothing after).
    pub async fn prove_factor(&self, id: &str, new_id: &str, now: i64) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        let updated = sqlx::query(
            "UPDATE account_sessions SET id = $3, stage = 'active', factor_at = $1
             WHERE id = $2 AND stage IN ('factor', 'active')",
        )
        .bind(now)
        .bind(id)
        .bind(new_id)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM one_time_codes WHERE holder = $1")
            .bind(SessionKind::Person.holder(id))
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(updated.rows_affected() == 1)
    }

    /// Forgets the code in flight and anything being registered.
    pub async fn clear_session_code(&self, id: &str) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE account_sessions SET enrol_phone = NULL, enrol_email = NULL WHERE id = $1",
        )
        .bind(id)
        .execute(&self.pool)
        .await?;
        self.void_code(&SessionKind::Person.holder(id)).await
    }

    /// The phone number being registered (its code is set apart).
    pub async fn set_enrol_phone(&self, id: &str, phone: &str) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE account_sessions SET enrol_phone = $1, enrol_email = NULL WHERE id = $2",
        )
        .bind(phone)
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The email address being registered (its code is set apart).
    pub async fn set_enrol_email(&self, id: &str, email: &str) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE account_sessions SET enrol_email = $1, enrol_phone = NULL WHERE id = $2",
        )
        .bind(email)
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The sealed authenticator secret being registered, or none.
    pub async fn set_enrol_secret(&self, id: &str, sealed: Option<&str>) -> Result<(), StoreError> {
        sqlx::query("UPDATE account_sessions SET enrol_secret = $1 WHERE id = $2")
            .bind(sealed)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
