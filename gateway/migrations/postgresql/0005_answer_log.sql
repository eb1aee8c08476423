-- Every question the knowledge base answered or refused (written by the action server), for the
-- editors' review page and the dashboard; producers under the message log's hashed id.
CREATE TABLE answer_log (
    id BIGSERIAL PRIMARY KEY,
    at DOUBLE PRECISION NOT NULL,
    channel TEXT NOT NULL,
    user_hash TEXT NOT NULL,
    question TEXT NOT NULL,
    outcome TEXT NOT NULL,
    answer_id TEXT NOT NULL,
    citation TEXT NOT NULL,
    topic TEXT NOT NULL,
    intent TEXT NOT NULL
);
CREATE INDEX answer_log_at ON answer_log (at);
CREATE INDEX answer_log_user ON answer_log (user_hash, answer_id);
