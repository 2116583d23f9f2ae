-- Passkeys are methods of kind 'passkey': the credential (webauthn-rs's
-- Passkey, JSON: its public key and counter, nothing secret) in `value`,
-- and the name its owner gave it.
ALTER TABLE methods ADD COLUMN name TEXT;
-- A WebAuthn ceremony between its two requests, by the session that began
-- it (any instance finishes it); one at a time per session.
CREATE TABLE ceremonies (
    holder     TEXT   PRIMARY KEY,
    state      TEXT   NOT NULL,
    expires_at BIGINT NOT NULL
);
