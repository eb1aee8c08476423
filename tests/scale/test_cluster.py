"""Two gateways, two Rasa servers and two action servers on PostgreSQL and Redis, behind a real nginx.

Loads the trained model once per Rasa process (module-scoped cluster). Marked e2e: it needs the
model `make train` produces, like tests/e2e.
"""

from __future__ import annotations

import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import httpx
import psycopg
import pytest

from gateway.conversation import unavailable_reply
from tests.scale import servers
from tests.scale.cluster import LOCK_LIFETIME, RASA_TOKEN, Cluster
from tests.scale.gateways import current_model, kill_hard

pytestmark = pytest.mark.e2e
APOLOGY = unavailable_reply().split(";")[0]


@pytest.fixture(scope="module")
def cluster(postgres, redis, tmp_path_factory):
    model_path = current_model()
    name = f"c_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(postgres.url, autocommit=True) as connection:
        connection.execute(f"CREATE DATABASE {name}")
    database_url = postgres.url.rsplit("/", 1)[0] + f"/{name}"
    with Cluster(model_path, tmp_path_factory.mktemp("cluster"), database_url, redis.url) as running:
        yield running


def rest(url: str, sender: str, text: str) -> list[dict]:
    response = httpx.post(f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=60)
    response.raise_for_status()
    return response.json()


def tracker(url: str, sender: str) -> dict:
    response = httpx.get(f"{url}/conversations/{sender}/tracker", params={"token": RASA_TOKEN}, timeout=30)
    response.raise_for_status()
    return response.json()


def chat(cluster: Cluster, sender: str, text: str) -> tuple[int, str]:
    response = httpx.post(f"{cluster.urls['gateway']}/api/chat", json={"sender": sender, "message": text}, timeout=60)
    if response.status_code != 200:
        return response.status_code, ""
    return 200, "\n".join(m["text"] for m in response.json()["messages"])


def test_the_rasa_api_answers_only_with_its_token(cluster):
    assert httpx.get(f"{cluster.urls['rasa']}/status", timeout=10).status_code == 401
    assert httpx.get(f"{cluster.urls['rasa']}/status", params={"token": RASA_TOKEN}, timeout=10).status_code == 200


def test_turns_alternating_between_rasa_servers_keep_every_turn_and_the_form_slots(cluster):
    sender = f"web:{uuid.uuid4().hex[:16]}"
    turns = ["xin chào", "hồ sơ đăng ký gồm những gì", "/start_self_assessment", "mat ong rung", "4", "3"]
    replies = []
    for index, text in enumerate(turns):
        replies.append("\n".join(m.get("text", "") for m in rest(cluster.rasa_url(index % 2), sender, text)))
    assert "Câu 1/" in replies[3] and "Câu 2/" in replies[4] and "Câu 3/" in replies[5], replies[3:]
    for index in range(2):
        state = tracker(cluster.rasa_url(index), sender)
        assert [e["text"] for e in state["events"] if e["event"] == "user"] == turns
        assert state["active_loop"].get("name") == "self_assessment_form"
        assert len(state["slots"]["sa_answers"]) == 2, state["slots"]["sa_answers"]


def test_trackers_live_in_postgresql_and_turn_locks_in_redis(cluster, redis):
    sender = f"web:{uuid.uuid4().hex[:16]}"
    rest(cluster.urls["rasa"], sender, "xin chào")
    with psycopg.connect(cluster.database_url) as connection:
        count = connection.execute("SELECT COUNT(*) FROM events WHERE sender_id = %s", (sender,)).fetchone()[0]
    assert count > 0
    stats = servers.redis_command(redis, "INFO", "commandstats")
    assert "cmdstat_set:" in stats or "cmdstat_setex:" in stats, "the lock store wrote to Redis"


def test_killing_one_instance_of_each_kind_under_load_leaves_the_service_answering(cluster):
    users = [f"kill{uuid.uuid4().hex[:12]}" for _ in range(6)]
    questions = ["hồ sơ đăng ký gồm những gì", "hạng 5 sao do ai công nhận", "giấy chứng nhận có giá trị bao lâu"]

    def conversation(user: str, rounds: int) -> list[tuple[int, str]]:
        return [chat(cluster, user, questions[turn % len(questions)]) for turn in range(rounds)]

    with ThreadPoolExecutor(len(users)) as pool:
        before = pool.map(conversation, users, [3] * len(users))
        time.sleep(1.0)  # the turns are under way when the instances die
        for kind in ("gateway", "rasa", "actions"):
            kill_hard(cluster.services[kind][0])
        during = list(before)
    # Turns in flight on a killed instance may fail (the user asks again); the service goes on answering.
    time.sleep(float(LOCK_LIFETIME) + 2)  # a conversation locked by the killed Rasa is free again
    with ThreadPoolExecutor(len(users)) as pool:
        after = [reply for replies in pool.map(conversation, users, [2] * len(users)) for reply in replies]
    assert all(status == 200 for status, _ in after), after
    assert not [text for _, text in after if APOLOGY in text], "answered by the surviving instances"
    assert sum(1 for replies in during for status, _ in replies if status == 200) > 0
