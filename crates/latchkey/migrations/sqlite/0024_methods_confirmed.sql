-- When the owner last confirmed (or changed) the ways they reset with:
-- every `registration.reconfirm_days` they are asked again at sign-in.
-- NULL: not seen since this column came; the next sign-in stamps it.
ALTER TABLE accounts ADD COLUMN methods_confirmed_at BIGINT;
