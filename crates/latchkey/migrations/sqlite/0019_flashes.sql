-- A refused form's answer carried across the redirect that follows it
-- (post/redirect/get: Back never asks to send a form again): written by the
-- POST, taken once by the GET, sealed (it may hold a typed phone number),
-- and forgotten within minutes if never read. One per session.
CREATE TABLE flashes (
    holder     TEXT   PRIMARY KEY,
    sealed     TEXT   NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX flashes_expiry ON flashes (expires_at);
