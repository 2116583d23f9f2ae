-- The proof-of-work challenge a reset offers at its first step (JSON, as
-- issued), spent by its first use. The audio CAPTCHA is gone, and with it
-- the sealed answer it read out.
ALTER TABLE reset_sessions ADD COLUMN pow_challenge TEXT;
ALTER TABLE reset_sessions DROP COLUMN captcha_sealed;
