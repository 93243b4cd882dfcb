-- Password accounts of officers, auditors and admins (members sign in with access codes).
-- AUTOINCREMENT so that the id of a deleted account is never given to a new one: tokens carry it.
CREATE TABLE users (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    email         TEXT      NOT NULL UNIQUE CHECK (email <> ''),
    role          TEXT      NOT NULL CHECK (role IN ('officer', 'auditor', 'admin')),
    password_hash TEXT      NOT NULL CHECK (password_hash <> ''),
    created_at    TIMESTAMP NOT NULL
);
