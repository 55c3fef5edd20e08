-- OpenRCM store, SQLite dialect, second migration: what the web application and API need.
-- Keep in step with ../postgres/0002_application.sql.

-- API tokens for machine clients: only the SHA-256 of the token is kept.
CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id),
    name TEXT NOT NULL,
    token_hash BLOB NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

-- Idempotency keys of API creates: the first response is kept (encrypted: it may name a patient)
-- with a hash of the request, so a retry gets the same answer and a different request with the
-- same key is refused.
CREATE TABLE idempotency_keys (
    username TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    request_hash BLOB NOT NULL,
    status BIGINT NOT NULL,
    response_enc BLOB NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (username, idempotency_key)
);

-- The scrubber's verdict on the claim's current version (NULL: not scrubbed since the last save),
-- so the claims list can filter on "has errors" without scrubbing every row.
ALTER TABLE claims ADD COLUMN scrub_version BIGINT;
ALTER TABLE claims ADD COLUMN scrub_errors BIGINT;
ALTER TABLE claims ADD COLUMN scrub_warnings BIGINT;

-- The organization's EDI settings: who its 837s come from (1000A) and go to (1000B).
ALTER TABLE organizations ADD COLUMN submitter_id TEXT;
ALTER TABLE organizations ADD COLUMN contact_name TEXT;
ALTER TABLE organizations ADD COLUMN contact_phone TEXT;
ALTER TABLE organizations ADD COLUMN receiver_id TEXT;
ALTER TABLE organizations ADD COLUMN receiver_name TEXT;
