//! Reset-flow state and the outbox. Each step's change is one statement
//! guarded by what the step expects to find, so two requests racing on one
//! session (two answers to one CAPTCHA, two uses of one code) cannot both win.

use sqlx::Row;

use super::{Store, StoreError};
use crate::model::code::OneTimeCode;
use crate::model::method::Proof;
use crate::model::session::SessionKind;

/// Where a reset stands. Stored as its name, and so named in the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Step {
    Identify,
    Captcha,
    Method,
    Code,
    Password,
    Done,
    /// Ended at the password step by unlocking the directory account,
    /// the password kept.
    Unlocked,
    /// Unknown account or no registered method: the help desk's page.
    Help,
    /// Online reset paused for this account after too many wrong codes. Only
    /// reached after a code step, where the account's existence is no
    /// secret to this person any more: they are told when to try again.
    Paused,
}

impl Step {
    /// Finished: the password changed, or the account unlocked.
    pub fn is_over(self) -> bool {
        matches!(self, Step::Done | Step::Unlocked)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Step::Identify => "identify",
            Step::Captcha => "captcha",
            Step::Method => "method",
            Step::Code => "code",
            Step::Password => "password",
            Step::Done => "done",
            Step::Unlocked => "unlocked",
            Step::Help => "help",
            Step::Paused => "paused",
        }
    }

    /// A stored step. Anything else is damage, said so: never read as a
    /// step (the first one would quietly restart the reset).
    fn parse(text: &str) -> Result<Step, StoreError> {
        Ok(match text {
            "identify" => Step::Identify,
            "captcha" => Step::Captcha,
            "method" => Step::Method,
            "code" => Step::Code,
            "password" => Step::Password,
            "done" => Step::Done,
            "unlocked" => Step::Unlocked,
            "help" => Step::Help,
            "paused" => Step::Paused,
            other => {
                return Err(StoreError::Corrupt(format!(
                    "reset_sessions.step holds {other:?}, which is no step"
                )));
            }
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResetSession {
    pub id: String,
    pub csrf: String,
    pub step: Step,
    pub account_id: Option<i64>,
    /// The code in flight, sent or awaited from the app.
    pub code: Option<OneTimeCode>,
    pub expires_at: i64,
    /// The ways proven so far, when more than one is asked for.
    pub proven: Vec<Proof>,
}

/// A challenge as stored: the answer's HMAC (to check it) and its image.
pub struct StoredChallenge<'a> {
    pub answer_hash: &'a str,
    pub png: &'a [u8],
}

/// What the challenge column holds once a proof of work was refused.
const POW_REFUSED: &str = "refused";

impl Store {
    /// A new reset at its first step; `false` (and nothing changed) when a
    /// reset with this id exists already, live or expired.
    pub async fn create_reset_session(
        &self,
        id: &str,
        csrf: &str,
        address: &str,
        now: i64,
        expires_at: i64,
    ) -> Result<bool, StoreError> {
        let created = sqlx::query(
            "INSERT INTO reset_sessions (id, csrf, step, client_address, created_at, expires_at)
             VALUES ($1, $2, 'identify', $3, $4, $5) ON CONFLICT (id) DO NOTHING",
        )
        .bind(id)
        .bind(csrf)
        .bind(address)
        .bind(now)
        .bind(expires_at)
        .execute(&self.pool)
        .await?
        .rows_affected()
            == 1;
        self.sweep_reset_sessions(now).await?;
        Ok(created)
    }

    /// Forgets resets that expired an hour ago or more (an hour of grace
    /// for a page still open to say "expired" rather than "unknown").
    /// Indexed: cheap enough to run with every new reset.
    pub async fn sweep_reset_sessions(&self, now: i64) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM reset_sessions WHERE expires_at < $1")
            .bind(now - 3600)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// A session for a help desk reset link: the person proved the channel
    /// the link went to, after the help desk verified them, so it starts at
    /// the new password.
    pub async fn create_linked_reset_session(
        &self,
        id: &str,
        csrf: &str,
        address: &str,
        account_id: i64,
        now: i64,
        expires_at: i64,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO reset_sessions (id, csrf, step, account_id, client_address, created_at, expires_at)
             VALUES ($1, $2, 'password', $3, $4, $5, $6)",
        )
        .bind(id)
        .bind(csrf)
        .bind(account_id)
        .bind(address)
        .bind(now)
        .bind(expires_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The session, unless it has expired.
    pub async fn reset_session(
        &self,
        id: &str,
        now: i64,
    ) -> Result<Option<ResetSession>, StoreError> {
        let row = sqlx::query(
            "SELECT id, csrf, step, account_id, expires_at, proven
             FROM reset_sessions WHERE id = $1 AND expires_at > $2",
        )
        .bind(id)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        Ok(Some(ResetSession {
            id: row.try_get("id")?,
            csrf: row.try_get("csrf")?,
            step: Step::parse(&row.try_get::<String, _>("step")?)?,
            account_id: row.try_get("account_id")?,
            code: self.code_of(&SessionKind::Reset.holder(id)).await?,
            expires_at: row.try_get("expires_at")?,
            proven: Proof::parse_list(&row.try_get::<String, _>("proven")?),
        }))
    }

    /// Step 1 → 2: who the reset is for (if anyone), and the first challenge.
    pub async fn set_reset_identity(
        &self,
        id: &str,
        account_id: Option<i64>,
        challenge: &StoredChallenge<'_>,
    ) -> Result<bool, StoreError> {
        let updated = sqlx::query(
            "UPDATE reset_sessions SET account_id = $1, captcha_hash = $2, captcha_png = $3,
             pow_challenge = NULL, step = 'captcha' WHERE id = $4 AND step = 'identify'",
        )
        .bind(account_id)
        .bind(challenge.answer_hash)
        .bind(challenge.png)
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(updated.rows_affected() == 1)
    }

    /// The stored hash of the current challenge's answer, taken away as it is
    /// read: one answer per challenge.
    pub async fn take_captcha(&self, id: &str) -> Result<Option<String>, StoreError> {
        let hash: Option<Option<String>> = sqlx::query_scalar(
            "SELECT captcha_hash FROM reset_sessions WHERE id = $1 AND step = 'captcha'",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        let Some(Some(hash)) = hash else {
            return Ok(None);
        };
        let taken = sqlx::query(
            "UPDATE reset_sessions SET captcha_hash = NULL WHERE id = $1 AND captcha_hash = $2",
        )
        .bind(id)
        .bind(&hash)
        .execute(&self.pool)
        .await?;
        Ok((taken.rows_affected() == 1).then_some(hash))
    }

    /// The proof-of-work challenge offered at `step` (JSON, as issued):
    /// at the first step, in place of the image; at the CAPTCHA, beside it
    /// while the cost is raised. It replaces any before it.
    pub async fn set_pow(&self, id: &str, step: Step, challenge: &str) -> Result<(), StoreError> {
        sqlx::query("UPDATE reset_sessions SET pow_challenge = $1 WHERE id = $2 AND step = $3")
            .bind(challenge)
            .bind(id)
            .bind(step.as_str())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Notes, past the first step, that the session's proof of work was
    /// refused: its challenge column, spent, says so.
    pub async fn note_pow_refused(&self, id: &str) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE reset_sessions SET pow_challenge = $1 WHERE id = $2 AND step = 'captcha'",
        )
        .bind(POW_REFUSED)
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The session is at the CAPTCHA because its proof of work was refused.
    pub async fn pow_refused(&self, id: &str) -> Result<bool, StoreError> {
        let stored: Option<Option<String>> = sqlx::query_scalar(
            "SELECT pow_challenge FROM reset_sessions WHERE id = $1 AND step = 'captcha'",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(stored.flatten().as_deref() == Some(POW_REFUSED))
    }

    /// The session's proof-of-work challenge at `step`, if one is on offer.
    pub async fn pow(&self, id: &str, step: Step) -> Result<Option<String>, StoreError> {
        let stored: Option<Option<String>> = sqlx::query_scalar(
            "SELECT pow_challenge FROM reset_sessions WHERE id = $1 AND step = $2",
        )
        .bind(id)
        .bind(step.as_str())
        .fetch_optional(&self.pool)
        .await?;
        Ok(stored.flatten().filter(|json| json != POW_REFUSED))
    }

    /// Takes the challenge away as it is read: one solution per challenge,
    /// even when two requests bring it at once.
    pub async fn take_pow(&self, id: &str, step: Step) -> Result<Option<String>, StoreError> {
        let Some(stored) = self.pow(id, step).await? else {
            return Ok(None);
        };
        let taken = sqlx::query(
            "UPDATE reset_sessions SET pow_challenge = NULL WHERE id = $1 AND pow_challenge = $2",
        )
        .bind(id)
        .bind(&stored)
        .execute(&self.pool)
        .await?;
        Ok((taken.rows_affected() == 1).then_some(stored))
    }

    /// A new challenge after a wrong answer.
    pub async fn set_captcha(
        &self,
        id: &str,
        challenge: &StoredChallenge<'_>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE reset_sessions SET captcha_hash = $1, captcha_png = $2
             WHERE id = $3 AND step = 'captcha'",
        )
        .bind(challenge.answer_hash)
        .bind(challenge.png)
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    pub async fn captcha_png(&self, id: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let png: Option<Option<Vec<u8>>> = sqlx::query_scalar(
            "SELECT captcha_png FROM reset_sessions WHERE id = $1 AND step = 'captcha'",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(png.flatten())
    }

    /// Moves the session from one step to the next; false if it was not at `from`.
    pub async fn advance_reset(&self, id: &str, from: Step, to: Step) -> Result<bool, StoreError> {
        let updated = sqlx::query(
            "UPDATE reset_sessions SET step = $1, captcha_png = NULL WHERE id = $2 AND step = $3",
        )
        .bind(to.as_str())
        .bind(id)
        .bind(from.as_str())
        .execute(&self.pool)
        .await?;
        let moved = updated.rows_affected() == 1;
        if moved && from == Step::Code {
            // Leaving the code step spends the code in flight.
            self.void_code(&SessionKind::Reset.holder(id)).await?;
        }
        Ok(moved)
    }

    /// A code was sent (or the app's is awaited): the reset is at its code
    /// step with this code in flight. `false` when it was not at the method
    /// or code step, and nothing changed.
    pub async fn set_reset_code(
        &self,
        id: &str,
        code: &OneTimeCode,
        now: i64,
    ) -> Result<bool, StoreError> {
        let moved = sqlx::query(
            "UPDATE reset_sessions SET step = 'code' WHERE id = $1 AND step IN ('method', 'code')",
        )
        .bind(id)
        .execute(&self.pool)
        .await?;
        if moved.rows_affected() != 1 {
            return Ok(false);
        }
        self.put_code(&SessionKind::Reset.holder(id), code, now)
            .await?;
        Ok(true)
    }

    /// The right code: it is used up, and the session may choose a password.
    /// The code was right: the reset moves to its password step under a new
    /// id (a rise in privilege), in one guarded statement, so a token
    /// planted before the code opens nothing after it. (The form token may
    /// stay: without the session's token it is worth nothing.)
    /// A proof accepted at the method or the code step (`at`): the session
    /// renamed `new_id`, at `next` (the new password, or the method again
    /// for another way), holding `proven`; the code in flight spent either
    /// way. False when the session was not at `at` (another request won).
    pub async fn accept_reset_proof(
        &self,
        id: &str,
        new_id: &str,
        at: Step,
        next: Step,
        proven: &[Proof],
    ) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        let updated = sqlx::query(
            "UPDATE reset_sessions SET id = $2, step = $3, proven = $4 WHERE id = $1 AND step = $5",
        )
        .bind(id)
        .bind(new_id)
        .bind(next.as_str())
        .bind(Proof::list(proven))
        .bind(at.as_str())
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM one_time_codes WHERE holder = $1")
            .bind(SessionKind::Reset.holder(id))
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(updated.rows_affected() == 1)
    }
}
