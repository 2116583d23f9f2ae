-- Why the next sign-in goes to the password change: 'helpdesk', 'expired'
-- (in the directory), 'breached' or 'policy' (the password typed at
-- sign-in, screened against today's rules). NULL beside a required change
-- made before this column is the help desk's.
ALTER TABLE accounts ADD COLUMN must_change_reason TEXT;
