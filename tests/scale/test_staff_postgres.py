"""The staff workspace on a real PostgreSQL server shared by two gateway instances: sessions, lock-out,
the chat's records (written as the action server writes them), the review, the dashboard and retention."""

from __future__ import annotations

import datetime

from gateway.database import open_database
from gateway.staff.accounts import ACCOUNT_FAILURES, StaffStore
from gateway.staff.dashboard import figures
from gateway.staff.pages import VIETNAM
from gateway.staff.records import Records
from gateway.staff.retention import prune_staff
from gateway.staff.review import group, items

PASSWORD = "mat-khau-dai-du-10"


def test_sessions_and_lock_out_are_shared_by_instances(database_url, tmp_path):
    first, second = StaffStore(open_database(database_url, tmp_path)), StaffStore(open_database(database_url, tmp_path))
    user = first.create_user("lan", PASSWORD, "editor")
    token, csrf = first.open_session(second.authenticate("lan", PASSWORD, "10.0.0.1"))
    assert second.session(token)[0].username == "lan" and second.session(token)[1] == csrf
    second.close_session(token)
    assert first.session(token) is None, "a logout on one instance ends the session on every instance"

    for store in (first, second) * ACCOUNT_FAILURES:
        store.authenticate("lan", "sai", "10.0.0.2")
    assert first.locked("lan", "10.0.0.3") and second.locked("lan", "10.0.0.3")
    first.set_disabled(user.id, True)
    assert second.authenticate("lan", PASSWORD, "10.0.0.4") is None


def test_records_reach_the_review_and_dashboard_of_another_instance(database_url, tmp_path):
    actions = Records(open_database(database_url, tmp_path / "actions"), tmp_path / "actions")
    gateway = open_database(database_url, tmp_path / "gateway")
    actions.answer("zalo:1", "Vay vốn làm OCOP được không?", False, "", "", "", "nlu_fallback")
    actions.answer("telegram:2", "vay von lam ocop duoc khong", False, "", "", "", "nlu_fallback")
    actions.answer("zalo:3", "Hồ sơ gồm gì?", True, "qa:ho-so", "Điều 7", "ho_so", "ask_dossier")
    actions.feedback("zalo:3", "unhelpful", "Hồ sơ gồm gì?", "qa:ho-so", "Điều 7")
    actions.selfassessment("zalo:3", "Bộ 4: Mật ong", 4, 80)
    assert not (tmp_path / "actions").exists() and not (tmp_path / "gateway").exists(), "nothing on local disk"

    [refused] = group(items(gateway, "refused", 0, 4e9))
    assert len(refused.items) == 2
    assert [i.question for i in items(gateway, "unhelpful", 0, 4e9)] == ["Hồ sơ gồm gì?"]
    today = datetime.datetime.now(VIETNAM).date()
    data = figures(gateway, today, today)
    assert data["questions"]["answered"] == [1] and data["questions"]["refused"] == [2]
    assert data["selfassessment"][0]["stars"]["4"] == 1
    assert data["handovers"]["total"] == 0

    gateway.run("UPDATE feedback SET at = at - 400 * 86400")
    assert prune_staff(gateway, 365) == 1
    assert gateway.rows("SELECT COUNT(*) FROM feedback")[0][0] == 0
