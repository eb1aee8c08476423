-- Staff workspace: accounts, server-side sessions, login failures (lock-out), audit log,
-- chat feedback, self-assessment results and question-bank drafts from the review page.
CREATE TABLE staff_users (
    id BIGSERIAL PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0,
    created_at DOUBLE PRECISION NOT NULL,
    updated_at DOUBLE PRECISION NOT NULL
);
CREATE TABLE staff_sessions (
    token_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES staff_users (id) ON DELETE CASCADE,
    csrf TEXT NOT NULL,
    created_at DOUBLE PRECISION NOT NULL,
    last_seen DOUBLE PRECISION NOT NULL
);
CREATE INDEX staff_sessions_user ON staff_sessions (user_id);
CREATE TABLE staff_login_failures (
    id BIGSERIAL PRIMARY KEY,
    username TEXT NOT NULL,
    address TEXT NOT NULL,
    at DOUBLE PRECISION NOT NULL
);
CREATE INDEX staff_login_failures_at ON staff_login_failures (at);
CREATE TABLE audit_log (
    id BIGSERIAL PRIMARY KEY,
    at DOUBLE PRECISION NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    detail TEXT NOT NULL
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE TABLE feedback (
    id BIGSERIAL PRIMARY KEY,
    at DOUBLE PRECISION NOT NULL,
    channel TEXT NOT NULL,
    user_hash TEXT NOT NULL,
    verdict TEXT NOT NULL,
    question TEXT NOT NULL,
    answer_id TEXT NOT NULL,
    citation TEXT NOT NULL
);
CREATE INDEX feedback_at ON feedback (at);
CREATE INDEX feedback_user ON feedback (user_hash);
CREATE TABLE selfassess_results (
    id BIGSERIAL PRIMARY KEY,
    at DOUBLE PRECISION NOT NULL,
    channel TEXT NOT NULL,
    user_hash TEXT NOT NULL,
    product_set TEXT NOT NULL,
    stars INTEGER NOT NULL,
    total DOUBLE PRECISION NOT NULL
);
CREATE INDEX selfassess_results_at ON selfassess_results (at);
CREATE TABLE question_drafts (
    id BIGSERIAL PRIMARY KEY,
    at DOUBLE PRECISION NOT NULL,
    author TEXT NOT NULL,
    source TEXT NOT NULL,
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    citation TEXT NOT NULL,
    count INTEGER NOT NULL DEFAULT 1
);
