-- When a directory sync last found the account's person gone from the
-- directory (NULL: present, or no directory). Such an account neither
-- signs in nor resets; the help desk sees why. A sync that finds the
-- person again clears it.
ALTER TABLE accounts ADD COLUMN left_directory_at BIGINT;
