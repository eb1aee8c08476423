-- One durable inbox for every webhook channel (Zalo events, Telegram updates), read by leases.
CREATE TABLE inbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    key TEXT NOT NULL UNIQUE,
    channel TEXT NOT NULL,
    sender TEXT NOT NULL,
    body TEXT NOT NULL,
    received_at REAL NOT NULL,
    done INTEGER NOT NULL DEFAULT 0,
    lease_until REAL,
    claimed_by TEXT,
    attempts INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX inbox_pending ON inbox (id) WHERE done = 0;
CREATE INDEX inbox_sender_pending ON inbox (sender, id) WHERE done = 0;
CREATE INDEX inbox_received ON inbox (received_at);
-- Events of the Zalo-only inbox move over (keys namespaced by channel; the sender is not known).
INSERT INTO inbox (key, channel, sender, body, received_at, done)
    SELECT 'zalo:' || key, 'zalo', 'zalo-event:' || key, body, received_at, done FROM zalo_events;
DROP TABLE zalo_events;
