"""The dashboard's figures over real HTTP: questions per day answered and refused, feedback, topics,
channels, self-assessment results by product set, hand-over waiting time; a date range; editors only."""

from __future__ import annotations

import datetime
import time

import pytest
from sqlalchemy import inspect

from gateway.staff.pages import VIETNAM
from gateway.staff.records import Records


def test_figures_of_a_date_range(gateway, signed_in, tmp_path):
    records = Records(gateway.store.db, tmp_path / "var")
    records.answer("zalo:1", "Hồ sơ gồm gì?", True, "qa:ho-so", "Điều 7", "ho_so", "ask_dossier")
    records.answer("telegram:2", "Hồ sơ gồm gì?", True, "qa:ho-so", "Điều 7", "ho_so", "ask_dossier")
    records.answer("zalo:3", "Hạng sao?", True, "qa:hang-sao", "Điều 5", "hang_sao", "ask_star_levels")
    records.answer("web:4", "giá vàng", False, "", "", "", "nlu_fallback")
    records.feedback("zalo:1", "helpful", "Hồ sơ gồm gì?", "qa:ho-so", "Điều 7")
    records.feedback("zalo:3", "unhelpful", "Hạng sao?", "qa:hang-sao", "Điều 5")
    records.selfassessment("zalo:1", "Bộ 4: Mật ong", 3, 72)
    records.selfassessment("zalo:5", "Bộ 4: Mật ong", 0, 40)
    # An answer from 40 days ago falls outside a range of the last 7 days.
    records.answer("zalo:9", "cũ", False, "", "", "", "")
    gateway.store.db.run("UPDATE answer_log SET at = at - 40 * 86400 WHERE question = 'cũ'")

    today = datetime.datetime.now(VIETNAM).date()
    week = (today - datetime.timedelta(days=6)).isoformat()
    client = signed_in("editor")
    data = client.get(
        "/staff/api/dashboard", params={"from": week, "to": today.isoformat()}, headers={"accept": "application/json"}
    ).json()
    assert len(data["days"]) == 7 and data["days"][-1] == today.isoformat()
    assert data["questions"]["answered"][-1] == 3 and data["questions"]["refused"][-1] == 1
    assert data["questions"]["total"] == 4 and data["questions"]["refused_share"] == 0.25
    assert data["feedback"]["total_helpful"] == 1 and data["feedback"]["total_unhelpful"] == 1
    assert data["topics"][0] == {"topic": "ho_so", "name": "Hồ sơ", "count": 2}
    assert {c["channel"]: c["count"] for c in data["channels"]} == {"zalo": 2, "telegram": 1, "web": 1}
    [honey] = data["selfassessment"]
    assert honey["count"] == 2 and honey["stars"]["3"] == 1 and honey["stars"]["0"] == 1


def test_hand_over_waiting_time(gateway, signed_in):
    db = gateway.store.db
    if "handovers" not in inspect(db.engine).get_table_names():
        pytest.skip("the hand-over tables are not in this tree")
    now = time.time()
    for created, first_reply in ((now - 600, now - 300), (now - 400, now - 100), (now - 50, None)):
        db.run(
            "INSERT INTO handovers (sender, channel, state, reason, question, created_at, first_reply_at, "
            "last_in_at, last_activity, updated_at) VALUES ('zalo:x', 'zalo', 'closed', 'ask', 'q', :c, :r, :c, :c, :c)",
            c=created,
            r=first_reply,
        )
    data = signed_in("editor").get("/staff/api/dashboard", headers={"accept": "application/json"}).json()
    assert data["handovers"]["total"] == 3 and data["handovers"]["answered"] == 2
    assert data["handovers"]["median_wait_minutes"] == 5.0


def test_the_dashboard_needs_an_editor(client, signed_in):
    assert client.get("/staff/api/dashboard", headers={"accept": "application/json"}).status_code == 401
    assert signed_in("operator").get("/staff/dashboard").status_code == 403
