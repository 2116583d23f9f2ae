-- The language the account's owner chose for texts, calls and mails about
-- the account (`en`, `es`; NULL: the site's default). Pages follow the
-- browser and the switch instead; notices have no browser to ask.
ALTER TABLE accounts ADD COLUMN language TEXT;
