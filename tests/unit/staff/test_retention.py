"""Staff retention: records older than the setting go, newer ones and drafts stay, ended sessions always go."""

from __future__ import annotations

import hashlib
import time

from gateway.database import open_database
from gateway.staff.accounts import StaffStore
from gateway.staff.records import Records
from gateway.staff.retention import AGED_TABLES, prune_staff


def test_old_feedback_audit_and_sessions_are_deleted(tmp_path):
    database = open_database("", tmp_path)
    try:
        records, store = Records(database, tmp_path), StaffStore(database)
        user = store.create_user("lan", "mat-khau-dai-du-10", "operator")
        records.answer("zalo:1", "q", True, "qa:a", "c", "ho_so", "ask_dossier")
        records.feedback("zalo:1", "helpful", "q", "qa:a", "c")
        records.selfassessment("zalo:1", "Bộ 4", 3, 70)
        store.audit("lan", "reply", "zalo:x")
        old_token, _ = store.open_session(user)
        live_token, _ = store.open_session(user)
        for table in AGED_TABLES:
            database.run(f"UPDATE {table} SET at = at - 40 * 86400")
        records.feedback("zalo:1", "unhelpful", "new question", "qa:a", "c")
        database.run(
            "UPDATE staff_sessions SET last_seen = last_seen - 9 * 3600 WHERE token_hash <> :h",
            h=hashlib.sha256(live_token.encode()).hexdigest(),
        )
        database.run(
            "INSERT INTO question_drafts (at, author, source, question, answer, citation, count) "
            "VALUES (:t, 'lan', 'refused', 'q', 'a', '', 1)",
            t=time.time() - 400 * 86400,
        )

        assert prune_staff(database, 30) == 5  # one old row of each aged table and the idle session
        assert [r[0] for r in database.rows("SELECT question FROM feedback")] == ["new question"]
        assert database.rows("SELECT COUNT(*) FROM audit_log")[0][0] == 0
        assert store.session(old_token) is None and store.session(live_token) is not None
        assert database.rows("SELECT COUNT(*) FROM question_drafts")[0][0] == 1
        assert prune_staff(database, 0) == 0  # 0 days keeps everything left
    finally:
        database.close()
