"""Review of what the bot missed, for content editors (role editor).

Three lists over a date range: questions the knowledge base refused (`answer_log`), questions
answered "Chưa đúng" (`feedback`) and questions handed over to staff (`handovers`, when the hand-over
tables exist). Each list is grouped by similar wording: questions are normalised
(`knowledge_base.textnorm.normalize_folded`, so diacritics, tone style and chat abbreviations do not
matter) and a question joins the first group whose words overlap its own by `SIMILARITY` or more
(token-set Jaccard). An editor can mark a group "add to the question bank" with an answer (for a
hand-over, the staff's first reply is offered); drafts are kept in `question_drafts` and exported as a
question-bank YAML snippet. Every list exports as CSV; exports are audited.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import time
from dataclasses import dataclass, field
from urllib.parse import quote

import yaml
from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import inspect

from gateway.database import Database
from gateway.staff.auth import Editor, audit, store_of
from gateway.staff.pages import VIETNAM, local_time, render
from knowledge_base.textnorm import fold, normalize_folded

SIMILARITY = 0.6
LISTS = {
    "refused": "Câu hỏi bot từ chối trả lời",
    "unhelpful": "Câu trả lời bị đánh giá “Chưa đúng”",
    "handover": "Câu hỏi chuyển cho cán bộ",
}
DEFAULT_DAYS = 30
MAX_ROWS = 5000

router = APIRouter(prefix="/staff", include_in_schema=False)


@dataclass
class Item:
    at: float
    question: str
    channel: str
    answer_id: str = ""
    citation: str = ""
    staff_answer: str = ""


@dataclass
class Group:
    words: frozenset[str]
    items: list[Item] = field(default_factory=list)

    @property
    def question(self) -> str:
        """The most frequent wording (the earliest among equals)."""
        counts: dict[str, int] = {}
        for item in self.items:
            counts[item.question] = counts.get(item.question, 0) + 1
        return max(counts, key=lambda q: counts[q])

    @property
    def wordings(self) -> list[str]:
        return list(dict.fromkeys(item.question for item in self.items))

    @property
    def last_at(self) -> float:
        return max(item.at for item in self.items)

    @property
    def staff_answer(self) -> str:
        return next((item.staff_answer for item in self.items if item.staff_answer), "")

    @property
    def citation(self) -> str:
        return next((item.citation for item in self.items if item.citation), "")


def words_of(question: str) -> frozenset[str]:
    return frozenset(normalize_folded(question).split())


def similarity(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0


def group(items: list[Item]) -> list[Group]:
    """Items grouped by similar wording, the largest group first."""
    groups: list[Group] = []
    for item in sorted(items, key=lambda i: i.at):
        words = words_of(item.question)
        home = next((g for g in groups if similarity(g.words, words) >= SIMILARITY), None)
        if home is None:
            groups.append(Group(words, [item]))
        else:
            home.items.append(item)
    return sorted(groups, key=lambda g: (-len(g.items), -g.last_at))


def _tables(database: Database) -> set[str]:
    return set(inspect(database.engine).get_table_names())


def items(database: Database, kind: str, since: float, until: float) -> list[Item]:
    """The questions of one list between two times."""
    if kind == "refused":
        rows = database.rows(
            "SELECT at, question, channel FROM answer_log WHERE outcome = 'refused' AND at >= :s AND at < :u "
            "ORDER BY id DESC LIMIT :n",
            s=since,
            u=until,
            n=MAX_ROWS,
        )
        return [Item(row[0], row[1], row[2]) for row in rows if row[1].strip()]
    if kind == "unhelpful":
        rows = database.rows(
            "SELECT at, question, channel, answer_id, citation FROM feedback "
            "WHERE verdict = 'unhelpful' AND at >= :s AND at < :u ORDER BY id DESC LIMIT :n",
            s=since,
            u=until,
            n=MAX_ROWS,
        )
        return [Item(row[0], row[1], row[2], row[3], row[4]) for row in rows if row[1].strip()]
    if kind == "handover":
        tables = _tables(database)
        if "handovers" not in tables:
            return []
        reply = (
            "(SELECT m.text FROM handover_messages m WHERE m.handover_id = h.id AND m.direction = 'staff' "
            "ORDER BY m.id LIMIT 1)"
            if "handover_messages" in tables
            else "''"
        )
        rows = database.rows(
            f"SELECT h.created_at, h.question, h.channel, {reply} FROM handovers h "
            "WHERE h.created_at >= :s AND h.created_at < :u ORDER BY h.id DESC LIMIT :n",
            s=since,
            u=until,
            n=MAX_ROWS,
        )
        return [Item(row[0], row[1], row[2], staff_answer=row[3] or "") for row in rows if (row[1] or "").strip()]
    raise ValueError(f"unknown list {kind!r}")


def date_range(start: str, end: str, days: int = DEFAULT_DAYS) -> tuple[datetime.date, datetime.date]:
    """The dates asked for (Vietnam time), defaulting to the last `days` days; bad dates fall back."""
    today = datetime.datetime.now(VIETNAM).date()

    def parse(value: str, default: datetime.date) -> datetime.date:
        try:
            return datetime.date.fromisoformat(value) if value else default
        except ValueError:
            return default

    first, last = parse(start, today - datetime.timedelta(days=days - 1)), parse(end, today)
    return (first, last) if first <= last else (last, first)


def bounds(first: datetime.date, last: datetime.date) -> tuple[float, float]:
    """Epoch seconds from the start of `first` to the end of `last`, Vietnam time."""
    start = datetime.datetime.combine(first, datetime.time(), VIETNAM)
    end = datetime.datetime.combine(last + datetime.timedelta(days=1), datetime.time(), VIETNAM)
    return start.timestamp(), end.timestamp()


def _range(request: Request) -> tuple[datetime.date, datetime.date, float, float]:
    first, last = date_range(request.query_params.get("from", ""), request.query_params.get("to", ""))
    return (first, last, *bounds(first, last))


def drafts(database: Database) -> list[dict]:
    rows = database.rows(
        "SELECT id, at, author, source, question, answer, citation, count FROM question_drafts ORDER BY id DESC"
    )
    keys = ("id", "at", "author", "source", "question", "answer", "citation", "count")
    return [dict(zip(keys, row)) for row in rows]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(text)).strip("-")[:60] or "cau-hoi-moi"


def drafts_yaml(entries: list[dict]) -> str:
    """The drafts as question-bank entries (knowledge_base/questions/*.yml), source left for the editor."""
    bank = [
        {
            "id": _slug(entry["question"].splitlines()[0]),
            "kind": "what",
            "source": "",
            "article": entry["citation"],
            "questions": entry["question"].splitlines(),
            "answer": entry["answer"].strip() + "\n",
        }
        for entry in entries
    ]
    header = "# Draft question-bank entries from the staff review page: fill in `source` and `kind`, then move them.\n"
    return header + yaml.safe_dump(bank, allow_unicode=True, sort_keys=False, width=120)


@router.get("/review")
async def review_page(request: Request, user: Editor) -> Response:
    first, last, since, until = _range(request)
    database = store_of(request).db
    lists = []
    for kind, title in LISTS.items():
        groups = group(items(database, kind, since, until))
        lists.append({"kind": kind, "title": title, "groups": groups, "total": sum(len(g.items) for g in groups)})
    entries = [{**entry, "when": local_time(entry["at"])} for entry in drafts(database)]
    return render(
        request,
        "review.html",
        lists=lists,
        drafts=entries,
        first=first.isoformat(),
        last=last.isoformat(),
        local_time=local_time,
        message=request.query_params.get("message", "")[:200],
    )


@router.get("/review/{kind}.csv")
async def review_csv(request: Request, kind: str, user: Editor) -> Response:
    if kind not in LISTS:
        return Response("Không có danh sách này.", status_code=404, media_type="text/plain; charset=utf-8")
    first, last, since, until = _range(request)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["nhom", "so_lan", "cau_hoi_dai_dien", "cach_hoi", "lan_cuoi", "kenh", "trich_dan"])
    for number, found in enumerate(group(items(store_of(request).db, kind, since, until)), start=1):
        channels = ", ".join(sorted({item.channel for item in found.items}))
        wordings = " | ".join(found.wordings)
        writer.writerow(
            [number, len(found.items), found.question, wordings, local_time(found.last_at), channels, found.citation]
        )
    audit(user, "export-csv", kind, f"{first.isoformat()}..{last.isoformat()}")
    name = f"ocop-{kind}-{first.isoformat()}-{last.isoformat()}.csv"
    return Response(
        "\ufeff" + buffer.getvalue(),  # the BOM lets spreadsheet programs read UTF-8 Vietnamese
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.post("/review/drafts")
async def add_draft(
    request: Request,
    user: Editor,
    source: str = Form(..., max_length=20),
    questions: str = Form(..., max_length=20000),
    answer: str = Form(..., max_length=10000),
    citation: str = Form("", max_length=500),
    count: int = Form(1, ge=1),
) -> Response:
    wordings = [line.strip() for line in questions.splitlines() if line.strip()]
    if source not in LISTS or not wordings or not answer.strip():
        return RedirectResponse("/staff/review?message=" + quote("Cần có câu hỏi và câu trả lời để lưu bản nháp."), 303)
    store_of(request).db.run(
        "INSERT INTO question_drafts (at, author, source, question, answer, citation, count) "
        "VALUES (:at, :author, :source, :question, :answer, :citation, :count)",
        at=time.time(),
        author=user.username,
        source=source,
        question="\n".join(wordings[:50]),
        answer=answer.strip(),
        citation=citation.strip(),
        count=count,
    )
    audit(user, "draft-add", source, wordings[0][:200])
    return RedirectResponse("/staff/review?message=" + quote("Đã lưu bản nháp cho ngân hàng câu hỏi.") + "#drafts", 303)


@router.get("/review/drafts.yml")
async def drafts_export(request: Request, user: Editor) -> Response:
    entries = drafts(store_of(request).db)
    audit(user, "export-drafts", "question_drafts", f"{len(entries)} entries")
    return Response(
        drafts_yaml(entries),
        media_type="text/yaml; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="ocop-question-drafts.yml"'},
    )
