-- The CAPTCHA answer sealed under the server key, so the audio version can be
-- made on request without storing it or the answer in clear.
ALTER TABLE reset_sessions ADD COLUMN captcha_sealed TEXT;
