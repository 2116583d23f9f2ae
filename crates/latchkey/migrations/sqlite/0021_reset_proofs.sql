-- The proofs a reset has been given so far (`phone`, `app`, `recovery`,
-- comma-separated): with `reset.proofs_required` above one, a reset moves
-- on to the new password only once enough different ways are proven.
ALTER TABLE reset_sessions ADD COLUMN proven TEXT NOT NULL DEFAULT '';
