//! Help desk staff, their sessions, and what only the help desk sets on an
//! account: an unlocked online reset, a one-time reset link, a password
//! change required at the next sign-in.

use serde::Serialize;
use sqlx::Row;

use super::{Stage, Store, StoreError};
use crate::model::audit::Action;
use crate::model::code::OneTimeCode;
use crate::model::session::SessionKind;

/// What a member of staff may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Look up, verify callers, update a phone, unlock, send a reset link,
    /// require a password change.
    Agent,
    /// All of that, and manage staff and read and export the audit trail.
    Admin,
    /// Read the reports; nothing else (no account, no caller, no staff).
    Report,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Agent => "agent",
            Role::Admin => "admin",
            Role::Report => "report",
        }
    }

    fn parse(text: &str) -> Role {
        match text {
            "admin" => Role::Admin,
            "report" => Role::Report,
            _ => Role::Agent,
        }
    }

    pub const ALL: [Role; 3] = [Role::Agent, Role::Admin, Role::Report];

    /// The role's name in words (a message id).
    pub fn words_id(self) -> &'static str {
        match self {
            Role::Agent => "hd-role-agent",
            Role::Admin => "hd-role-admin",
            Role::Report => "hd-role-report",
        }
    }

    /// "Make NAME a …" (a message id).
    pub fn make_id(self) -> &'static str {
        match self {
            Role::Agent => "hd-make-agent",
            Role::Admin => "hd-make-admin",
            Role::Report => "hd-make-report",
        }
    }

    /// Whether this role reads the reports.
    pub fn reads_reports(self) -> bool {
        matches!(self, Role::Admin | Role::Report)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Staff {
    pub id: i64,
    pub username: String,
    pub role: Role,
    #[serde(skip)]
    pub password_hash: String,
    /// The authenticator secret, sealed.
    #[serde(skip)]
    pub totp_secret: String,
    pub disabled_at: Option<i64>,
    pub created_at: i64,
    /// Signed in with a temporary password an admin handed over: the
    /// console asks for a new one before anything else.
    pub must_change_password: bool,
}

impl Staff {
    /// How this member of staff is named in the audit trail.
    pub fn actor(&self) -> String {
        format!("staff:{}", self.username)
    }
}

/// What an admin (or the operator) changes about a member of staff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StaffChange {
    Role(Role),
    /// A new password's hash.
    Password(String),
    /// A new authenticator secret, sealed.
    Authenticator(String),
}

impl StaffChange {
    /// The audit action, naming the member (never a secret).
    fn action(&self, username: &str) -> Action {
        match self {
            StaffChange::Role(role) => Action::StaffRole {
                username: username.to_owned(),
                role: role.as_str(),
            },
            StaffChange::Password(_) => Action::StaffPasswordReset(username.to_owned()),
            StaffChange::Authenticator(_) => Action::StaffAuthenticatorReset(username.to_owned()),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffSession {
    pub id: String,
    pub csrf: String,
    pub stage: Stage,
    pub staff_id: Option<i64>,
    /// The caller verified in this session, and when.
    pub caller_id: Option<i64>,
    pub caller_verified_at: Option<i64>,
    /// A code sent to a caller's method from this session (its subject
    /// is the caller's account).
    pub code: Option<OneTimeCode>,
}

const STAFF_COLUMNS: &str =
    "id, username, role, password_hash, totp_secret, disabled_at, created_at, must_change_password";

fn staff_from_row(row: &sqlx::any::AnyRow) -> Result<Staff, sqlx::Error> {
    Ok(Staff {
        id: row.try_get("id")?,
        username: row.try_get("username")?,
        role: Role::parse(&row.try_get::<String, _>("role")?),
        password_hash: row.try_get("password_hash")?,
        must_change_password: row.try_get::<i64, _>("must_change_password")? != 0,
        totp_secret: row.try_get("totp_secret")?,
        disabled_at: row.try_get("disabled_at")?,
        created_at: row.try_get("created_at")?,
    })
}

impl Store {
    /// Adds a member of staff, with the event, in one transaction.
    pub async fn insert_staff(
        &self,
        username: &str,
        role: Role,
        password_hash: &str,
        sealed_secret: &str,
        actor: &str,
        now: i64,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO staff (username, username_key, role, password_hash, totp_secret, created_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(username)
        .bind(username.to_lowercase())
        .bind(role.as_str())
        .bind(password_hash)
        .bind(sealed_secret)
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(|e| match &e {
            sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Duplicate {
                field: "staff username",
                value: username.to_owned(),
            },
            _ => StoreError::Database(e),
        })?;
        let action = Action::StaffAdded {
            username: username.to_owned(),
            role: role.as_str(),
        };
        super::audit(&mut tx, now, actor, &action.name(), None).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn staff_by_username(&self, username: &str) -> Result<Option<Staff>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {STAFF_COLUMNS} FROM staff WHERE username_key = $1"
        ))
        .bind(username.trim().to_lowercase())
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.as_ref().map(staff_from_row).transpose()?)
    }

    pub async fn staff_by_id(&self, id: i64) -> Result<Option<Staff>, StoreError> {
        let row = sqlx::query(&format!("SELECT {STAFF_COLUMNS} FROM staff WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.as_ref().map(staff_from_row).transpose()?)
    }

    pub async fn all_staff(&self) -> Result<Vec<Staff>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {STAFF_COLUMNS} FROM staff ORDER BY username_key"
        ))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(staff_from_row).collect::<Result<_, _>>()?)
    }

    /// Disables (with a time) or enables (`None`) a member of staff; a
    /// disabled one's sessions end.
    pub async fn set_staff_disabled(
        &self,
        id: i64,
        disabled_at: Option<i64>,
        actor: &str,
        now: i64,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("UPDATE staff SET disabled_at = $1 WHERE id = $2")
            .bind(disabled_at)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        if disabled_at.is_some() {
            sqlx::query("DELETE FROM staff_sessions WHERE staff_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        let action = Action::StaffDisabled {
            id,
            disabled: disabled_at.is_some(),
        };
        super::audit(&mut tx, now, actor, &action.name(), None).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Changes a member's role, password or authenticator, ends their
    /// sessions (what they signed in with or as is no longer so), and
    /// audits it, in one transaction. The last active admin keeps the role.
    pub async fn change_staff(
        &self,
        member: &Staff,
        change: &StaffChange,
        actor: &str,
        now: i64,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        let statement = match change {
            StaffChange::Role(role) => {
                let other_admins: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM staff
                     WHERE role = 'admin' AND disabled_at IS NULL AND id <> $1",
                )
                .bind(member.id)
                .fetch_one(&mut *tx)
                .await?;
                if *role != Role::Admin && member.role == Role::Admin && other_admins == 0 {
                    return Err(StoreError::LastAdmin(member.username.clone()));
                }
                sqlx::query("UPDATE staff SET role = $1 WHERE id = $2").bind(role.as_str())
            }
            StaffChange::Password(hash) => {
                // A password an admin handed over: the member changes it
                // at their next sign-in.
                sqlx::query(
                    "UPDATE staff SET password_hash = $1, must_change_password = 1 WHERE id = $2",
                )
                .bind(hash)
            }
            // A new secret starts its own count of used steps.
            StaffChange::Authenticator(sealed) => sqlx::query(
                "UPDATE staff SET totp_secret = $1, totp_last_step = NULL WHERE id = $2",
            )
            .bind(sealed),
        };
        statement.bind(member.id).execute(&mut *tx).await?;
        sqlx::query("DELETE FROM staff_sessions WHERE staff_id = $1")
            .bind(member.id)
            .execute(&mut *tx)
            .await?;
        let action = change.action(&member.username);
        super::audit(&mut tx, now, actor, &action.name(), None).await?;
        tx.commit().await?;
        Ok(())
    }

    /// A member of staff's own new password, if `current_hash` is still
    /// theirs (nothing changed otherwise): the old hash joins their history
    /// (the newest `keep`), their other sessions end, and it is audited.
    pub async fn change_own_staff_password(
        &self,
        member: &Staff,
        new_hash: &str,
        keep_session: &str,
        keep: i64,
        now: i64,
    ) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        let changed = sqlx::query(
            "UPDATE staff SET password_hash = $1, must_change_password = 0
             WHERE id = $2 AND password_hash = $3",
        )
        .bind(new_hash)
        .bind(member.id)
        .bind(&member.password_hash)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 0 {
            return Ok(false);
        }
        sqlx::query(
            "INSERT INTO staff_password_history (staff_id, hash, created_at) VALUES ($1, $2, $3)",
        )
        .bind(member.id)
        .bind(&member.password_hash)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "DELETE FROM staff_password_history WHERE staff_id = $1 AND id NOT IN
             (SELECT id FROM staff_password_history WHERE staff_id = $1 ORDER BY id DESC LIMIT $2)",
        )
        .bind(member.id)
        .bind(keep.max(0))
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM staff_sessions WHERE staff_id = $1 AND id <> $2")
            .bind(member.id)
            .bind(keep_session)
            .execute(&mut *tx)
            .await?;
        let action = Action::StaffPasswordChanged.name();
        super::audit(&mut tx, now, &member.actor(), &action, None).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// A member of staff's earlier passwords' hashes, newest first.
    pub async fn staff_password_history(&self, staff_id: i64) -> Result<Vec<String>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT hash FROM staff_password_history WHERE staff_id = $1 ORDER BY id DESC",
        )
        .bind(staff_id)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Claims an authenticator time step for a member of staff: `false` if
    /// that step (or a later one) was used already.
    pub async fn claim_staff_step(&self, staff_id: i64, step: i64) -> Result<bool, StoreError> {
        let claimed = sqlx::query(
            "UPDATE staff SET totp_last_step = $1
             WHERE id = $2 AND (totp_last_step IS NULL OR totp_last_step < $1)",
        )
        .bind(step)
        .bind(staff_id)
        .execute(&self.pool)
        .await?;
        Ok(claimed.rows_affected() == 1)
    }

    /// A new staff session at `stage`, for `staff_id` once known.
    pub async fn create_staff_session(
        &self,
        id: &str,
        csrf: &str,
        stage: Stage,
        staff_id: Option<i64>,
        now: i64,
        expires_at: i64,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO staff_sessions (id, csrf, stage, staff_id, created_at, last_seen_at, expires_at)
             VALUES ($1, $2, $3, $4, $5, $5, $6)",
        )
        .bind(id)
        .bind(csrf)
        .bind(stage.as_str())
        .bind(staff_id)
        .bind(now)
        .bind(expires_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The session, touched, unless it expired or was last used at or
    /// before `idle_cutoff` (`domain::session::live_bounds`).
    pub async fn staff_session(
        &self,
        id: &str,
        now: i64,
        idle_cutoff: i64,
    ) -> Result<Option<StaffSession>, StoreError> {
        let row = sqlx::query(
            "UPDATE staff_sessions SET last_seen_at = $1
             WHERE id = $2 AND expires_at > $1 AND last_seen_at > $3
             RETURNING id, csrf, stage, staff_id, caller_id, caller_verified_at",
        )
        .bind(now)
        .bind(id)
        .bind(idle_cutoff)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        Ok(Some(StaffSession {
            id: row.try_get("id")?,
            csrf: row.try_get("csrf")?,
            stage: Stage::parse(&row.try_get::<String, _>("stage")?)?,
            staff_id: row.try_get("staff_id")?,
            caller_id: row.try_get("caller_id")?,
            caller_verified_at: row.try_get("caller_verified_at")?,
            code: self.code_of(&SessionKind::Staff.holder(id)).await?,
        }))
    }

    /// The second factor was right: the session is signed in.
    /// The authenticator's code was right: the session is active under a
    /// new id (a rise in privilege: a token from before opens nothing).
    pub async fn activate_staff_session(&self, id: &str, new_id: &str) -> Result<bool, StoreError> {
        let updated = sqlx::query(
            "UPDATE staff_sessions SET id = $2, stage = 'active' WHERE id = $1 AND stage = 'factor'",
        )
        .bind(id)
        .bind(new_id)
        .execute(&self.pool)
        .await?;
        Ok(updated.rows_affected() == 1)
    }

    pub async fn end_staff_session(&self, id: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM staff_sessions WHERE id = $1")
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The caller is verified in this session, from `now`; a code in
    /// flight is spent.
    pub async fn set_caller_verified(
        &self,
        id: &str,
        account_id: i64,
        now: i64,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE staff_sessions SET caller_id = $1, caller_verified_at = $2 WHERE id = $3",
        )
        .bind(account_id)
        .bind(now)
        .bind(id)
        .execute(&self.pool)
        .await?;
        self.void_code(&SessionKind::Staff.holder(id)).await
    }
}
