-- Password accounts of officers, auditors and admins (members sign in with access codes).
-- An identity is never reused, so the id of a deleted account is never given to a new one.
CREATE TABLE users (
    id            BIGINT      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email         TEXT        NOT NULL UNIQUE CHECK (email <> ''),
    role          TEXT        NOT NULL CHECK (role IN ('officer', 'auditor', 'admin')),
    password_hash TEXT        NOT NULL CHECK (password_hash <> ''),
    created_at    TIMESTAMPTZ NOT NULL
);
