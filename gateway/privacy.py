"""Deleting a producer's data on request ("xóa dữ liệu của tôi", confirmed with "Có").

`action_delete_my_data` sends the `{"ocop": "erase"}` marker once the producer has confirmed; after that
turn (when Rasa has saved its tracker) the gateway deletes the sender's conversation in Rasa's tracker
store (its `events` rows: `OCOP_TRACKER_DB`, default `<OCOP_DATA_DIR>/tracker.db`, or the shared PostgreSQL database), the
message log records under the sender's hashed id, the chat feedback, answer records and self-assessment
results, and the hand-overs with their transcripts. The producer is then told it is done (that reply,
under the hashed id, is the only record left).
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from pathlib import Path

from sqlalchemy import inspect

from gateway.conversation import BotMessage
from gateway.database import Database
from gateway.handover.store import HandoverStore

logger = logging.getLogger(__name__)

# Tables of the staff workspace keyed by the message log's hashed sender id.
HASHED_TABLES = ("feedback", "selfassess_results", "answer_log")
TRACKER_TABLE = "events"
ERASED_REPLY = (
    "Đã xóa dữ liệu của bạn: lịch sử trò chuyện, tin nhắn đã lưu, đánh giá câu trả lời và các cuộc trao đổi "
    "với cán bộ. Nếu bạn nhắn tiếp, cuộc trò chuyện sẽ bắt đầu lại từ đầu."
)
NOT_ERASED_REPLY = (
    "Xin lỗi, hệ thống chưa xóa được dữ liệu của bạn do đang gặp sự cố. Bạn vui lòng gõ “xóa dữ liệu của tôi” "
    "để thử lại sau ít phút."
)


class Eraser:
    """Deletes everything the gateway and Rasa keep about one sender."""

    def __init__(self, database: Database, handovers: HandoverStore, message_log, tracker_db: Path) -> None:
        self.db = database
        self.handovers = handovers
        self.log = message_log
        self.tracker_db = tracker_db

    def erase(self, sender: str) -> dict[str, int]:
        """Delete `sender`'s data; how many records of each kind went."""
        user_hash = self.log.user_hash(sender)
        counts = {"tracker_events": self._erase_tracker(sender), "handovers": self.handovers.delete_sender(sender)}
        tables = set(inspect(self.db.engine).get_table_names())
        for table in HASHED_TABLES:
            if table in tables:
                counts[table] = self.db.run(f"DELETE FROM {table} WHERE user_hash = :h", h=user_hash)
        counts["messages"] = self.log.forget(sender)
        return counts

    def _erase_tracker(self, sender: str) -> int:
        if self.db.shared:  # Rasa's PostgreSQL tracker store lives in the same database
            if TRACKER_TABLE not in inspect(self.db.engine).get_table_names():
                return 0
            return self.db.run(f"DELETE FROM {TRACKER_TABLE} WHERE sender_id = :s", s=sender)
        if not self.tracker_db.is_file():
            return 0
        connection = sqlite3.connect(self.tracker_db, timeout=10)
        try:
            with connection:
                exists = connection.execute(
                    "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (TRACKER_TABLE,)
                ).fetchone()
                if not exists:
                    return 0
                return connection.execute(f"DELETE FROM {TRACKER_TABLE} WHERE sender_id = ?", (sender,)).rowcount
        finally:
            connection.close()

    async def after_confirmation(self, sender: str) -> list[BotMessage]:
        """Erase `sender`'s data (the producer confirmed); the reply saying whether it was done."""
        try:
            counts = await asyncio.to_thread(self.erase, sender)
        except Exception as error:  # noqa: BLE001 (a store unreachable: the producer is told, can retry)
            logger.error("Producer data not erased: %s", type(error).__name__)
            return [BotMessage(NOT_ERASED_REPLY)]
        logger.info("Producer data erased on request (%s)", ", ".join(f"{k}={v}" for k, v in counts.items()))
        return [BotMessage(ERASED_REPLY)]
