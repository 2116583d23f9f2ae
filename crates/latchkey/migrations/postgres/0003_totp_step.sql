-- The newest TOTP time step accepted for an authenticator: a step is never accepted twice.
ALTER TABLE methods ADD COLUMN last_step BIGINT;
