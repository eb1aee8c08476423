-- Tables of the gateway's first SQLite file (created before migrations existed: IF NOT EXISTS adopts them).
CREATE TABLE IF NOT EXISTS callback_keys (key TEXT PRIMARY KEY, payload TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS open_choices (sender TEXT PRIMARY KEY, buttons TEXT NOT NULL, at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS zalo_events (
    key TEXT PRIMARY KEY, received_at REAL NOT NULL, body TEXT NOT NULL, done INTEGER NOT NULL DEFAULT 0
);
