-- Everything the gateway keeps, shared by every gateway instance.
CREATE TABLE callback_keys (key TEXT PRIMARY KEY, payload TEXT NOT NULL);
CREATE TABLE open_choices (sender TEXT PRIMARY KEY, buttons TEXT NOT NULL, at DOUBLE PRECISION NOT NULL);

-- Durable inbox of webhook updates (Zalo events, Telegram updates): claimed with SKIP LOCKED and a lease.
CREATE TABLE inbox (
    id BIGSERIAL PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    channel TEXT NOT NULL,
    sender TEXT NOT NULL,
    body TEXT NOT NULL,
    received_at DOUBLE PRECISION NOT NULL,
    done INTEGER NOT NULL DEFAULT 0,
    lease_until DOUBLE PRECISION,
    claimed_by TEXT,
    attempts INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX inbox_pending ON inbox (id) WHERE done = 0;
CREATE INDEX inbox_sender_pending ON inbox (sender, id) WHERE done = 0;
CREATE INDEX inbox_received ON inbox (received_at);

-- Message log (what messages.jsonl holds in the embedded default); user ids are keyed hashes.
CREATE TABLE message_log (
    id BIGSERIAL PRIMARY KEY,
    ts DOUBLE PRECISION NOT NULL,
    channel TEXT NOT NULL,
    user_hash TEXT NOT NULL,
    direction TEXT NOT NULL,
    status TEXT NOT NULL,
    text TEXT NOT NULL
);
CREATE INDEX message_log_ts ON message_log (ts);

-- Keys the gateway generates once and every instance shares (the message log's hashing key).
CREATE TABLE gateway_keys (name TEXT PRIMARY KEY, value TEXT NOT NULL);

-- The current Zalo OA token pair: one row, replaced in one transaction.
CREATE TABLE zalo_tokens (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    access_token TEXT NOT NULL,
    refresh_token TEXT NOT NULL,
    expires_at DOUBLE PRECISION,
    seed TEXT NOT NULL,
    updated_at DOUBLE PRECISION NOT NULL
);
