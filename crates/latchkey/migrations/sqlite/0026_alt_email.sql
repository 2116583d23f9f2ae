-- A second address of the person's own (outside the university), proven by
-- a code mailed to it: reset codes may go there, and notices go to it too.
ALTER TABLE accounts ADD COLUMN alt_email TEXT;
-- The address being registered in a session, waiting for its code.
ALTER TABLE account_sessions ADD COLUMN enrol_email TEXT;
