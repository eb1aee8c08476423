"""The staff dashboard (role editor): what producers asked and how the bot and the hotline did.

`GET /staff/api/dashboard?from=YYYY-MM-DD&to=YYYY-MM-DD` returns the figures of a date range (Vietnam
time): questions per day answered and refused, hand-overs per day with their waiting time (to the first
staff reply), feedback per day, top topics, the channel split and the self-assessment results by product
set. `GET /staff/dashboard` draws them with uPlot (installed from npm at setup, served from
/static/vendor/); the categorical figures are bars drawn in HTML.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from statistics import median

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import inspect

from gateway.database import Database
from gateway.staff.auth import Editor, store_of
from gateway.staff.pages import VIETNAM, render
from gateway.staff.review import bounds, date_range

MAX_DAYS = 366
TOP_TOPICS = 10
TOPIC_NAMES = {
    "tong_quan": "Tổng quan OCOP",
    "chu_the": "Chủ thể tham gia",
    "nhom_san_pham": "Nhóm, bộ sản phẩm",
    "ho_so": "Hồ sơ",
    "quy_trinh": "Quy trình đánh giá",
    "hang_sao": "Hạng sao",
    "tieu_chi": "Tiêu chí chấm điểm",
    "hieu_luc": "Hiệu lực, đánh giá lại",
    "ho_tro": "Quyền lợi, hỗ trợ",
    "so_huu_tri_tue": "Sở hữu trí tuệ",
    "van_ban": "Văn bản pháp lý",
    "": "Chưa rõ chủ đề",
}
CHANNEL_NAMES = {"telegram": "Telegram", "zalo": "Zalo", "web": "Web chat"}

router = APIRouter(prefix="/staff", include_in_schema=False)


def _day(at: float) -> str:
    return datetime.datetime.fromtimestamp(at, VIETNAM).date().isoformat()


def _days(first: datetime.date, last: datetime.date) -> list[str]:
    return [(first + datetime.timedelta(days=n)).isoformat() for n in range((last - first).days + 1)]


def figures(database: Database, first: datetime.date, last: datetime.date) -> dict:
    """Every figure of the dashboard for the days `first`..`last` (at most `MAX_DAYS`)."""
    first = max(first, last - datetime.timedelta(days=MAX_DAYS - 1))
    since, until = bounds(first, last)
    days = _days(first, last)
    index = {day: n for n, day in enumerate(days)}
    answered, refused = [0] * len(days), [0] * len(days)
    topics: Counter[str] = Counter()
    channels: Counter[str] = Counter()
    for at, outcome, topic, channel in database.rows(
        "SELECT at, outcome, topic, channel FROM answer_log WHERE at >= :s AND at < :u", s=since, u=until
    ):
        series = answered if outcome == "answered" else refused
        series[index[_day(at)]] += 1
        channels[channel] += 1
        if outcome == "answered":
            topics[topic] += 1

    helpful, unhelpful = [0] * len(days), [0] * len(days)
    for at, verdict in database.rows("SELECT at, verdict FROM feedback WHERE at >= :s AND at < :u", s=since, u=until):
        (helpful if verdict == "helpful" else unhelpful)[index[_day(at)]] += 1

    handovers, wait_minutes = [0] * len(days), [None] * len(days)
    waits: list[float] = []
    if "handovers" in set(inspect(database.engine).get_table_names()):
        per_day: dict[int, list[float]] = defaultdict(list)
        for created, first_reply in database.rows(
            "SELECT created_at, first_reply_at FROM handovers WHERE created_at >= :s AND created_at < :u",
            s=since,
            u=until,
        ):
            n = index[_day(created)]
            handovers[n] += 1
            if first_reply is not None and first_reply >= created:
                per_day[n].append((first_reply - created) / 60)
                waits.append((first_reply - created) / 60)
        for n, values in per_day.items():
            wait_minutes[n] = round(sum(values) / len(values), 1)

    results: dict[str, Counter[int]] = defaultdict(Counter)
    for product_set, stars in database.rows(
        "SELECT product_set, stars FROM selfassess_results WHERE at >= :s AND at < :u", s=since, u=until
    ):
        results[product_set][int(stars)] += 1

    questions = sum(answered) + sum(refused)
    return {
        "from": first.isoformat(),
        "to": last.isoformat(),
        "days": days,
        "questions": {
            "answered": answered,
            "refused": refused,
            "total": questions,
            "answered_share": round(sum(answered) / questions, 3) if questions else None,
            "refused_share": round(sum(refused) / questions, 3) if questions else None,
        },
        "handovers": {
            "per_day": handovers,
            "wait_minutes": wait_minutes,
            "total": sum(handovers),
            "answered": len(waits),
            "median_wait_minutes": round(median(waits), 1) if waits else None,
        },
        "feedback": {
            "helpful": helpful,
            "unhelpful": unhelpful,
            "total_helpful": sum(helpful),
            "total_unhelpful": sum(unhelpful),
        },
        "topics": [
            {"topic": topic, "name": TOPIC_NAMES.get(topic, topic), "count": count}
            for topic, count in topics.most_common(TOP_TOPICS)
        ],
        "channels": [
            {"channel": channel, "name": CHANNEL_NAMES.get(channel, channel), "count": count}
            for channel, count in channels.most_common()
        ],
        "selfassessment": [
            {
                "product_set": product_set,
                "count": sum(by_star.values()),
                "stars": {str(star): by_star.get(star, 0) for star in range(0, 6)},
            }
            for product_set, by_star in sorted(results.items(), key=lambda item: -sum(item[1].values()))
        ],
    }


def _range(request: Request) -> tuple[datetime.date, datetime.date]:
    return date_range(request.query_params.get("from", ""), request.query_params.get("to", ""))


@router.get("/api/dashboard")
async def dashboard_data(request: Request, user: Editor) -> dict:
    first, last = _range(request)
    return figures(store_of(request).db, first, last)


@router.get("/dashboard")
async def dashboard_page(request: Request, user: Editor) -> Response:
    first, last = _range(request)
    return render(request, "dashboard.html", first=first.isoformat(), last=last.isoformat())
