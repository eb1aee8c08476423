"""One-off development helper: draft the 26 scoring sheets from the official text.

Reads ``../shared/sources/qd-26-2026-QD-TTg.txt`` (reference only, never committed) and prints or writes a
*draft* of each sheet's structure (parts, criterion groups, criteria, options, points, star marks, notes).
The committed YAML in ``knowledge_base/criteria/`` was produced from this draft and then reviewed and edited
by hand (labels, key questions, notes on copying errors); the application never runs this module.

Usage (from the repository root)::

    python -m knowledge_base.scoring.tools.extract_sheets summary      # per-sheet maxima and star marks
    python -m knowledge_base.scoring.tools.extract_sheets dump 7       # parsed structure of sheet 7 as JSON

``parse_official_text`` is also used by the cross-check test, which compares the reviewed YAML with figures
parsed independently from the official text when that file is present.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_SOURCE = Path(__file__).resolve().parents[3] / ".." / "shared" / "sources" / "qd-26-2026-QD-TTg.txt"

_SHEET_START_RE = re.compile(r"^(\d{1,2})\. (?:Bộ sản phẩm: |Sản phẩm )(.+)$")
_NUMBERED_RE = re.compile(r"^(\d+(?:\.\d+)*)\.?\s+(.*)$", re.S)
_STARS_RE = re.compile(r"\s*((?:\*\s*){3,5})[;.]?\s*$")  # sheet 3 prints one mark spaced: "* * * *"
_PART_RE = re.compile(r"^Phần\s+([ABC])\s*:?", re.I)


@dataclass
class Option:
    label: str
    points: int | None
    stars: int | None  # 3, 4, 5 or None
    case: str | None = None


@dataclass
class Item:
    number: str
    label: str
    points: int | None
    part: str
    notes: list[str] = field(default_factory=list)
    options: list[Option] = field(default_factory=list)


@dataclass
class Sheet:
    number: int
    title: str
    header: str
    disqualify: list[str]
    items: list[Item]
    part_max: dict[str, int]


def _rows(lines: list[str]) -> list[list[str]]:
    """Blocks of consecutive non-empty lines, each split into table cells on '|'."""
    rows, block = [], []
    for line in lines + [""]:
        if line.strip():
            block.append(line.rstrip())
        elif block:
            text = "\n".join(block)
            rows.append([c.strip() for c in text.split("|")])
            block = []
    return rows


def _int(cell: str) -> int | None:
    """The points in a cell: its first line when that is a number (a stray second number is ignored)."""
    first = cell.strip().split("\n")[0].strip()
    return int(first) if first.isdigit() else None


def _split_sheets(text: str) -> list[tuple[int, str, list[str]]]:
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("PHỤ LỤC II"))
    end = next(i for i, line in enumerate(lines) if line.startswith("PHỤ LỤC III"))
    heads = []
    expected = 1
    for i in range(start, end):
        m = _SHEET_START_RE.match(lines[i])
        if m and int(m.group(1)) == expected and i + 1 < end and lines[i + 1].startswith("("):
            heads.append((i, int(m.group(1)), m.group(2).strip()))
            expected += 1
    out = []
    for k, (i, num, title) in enumerate(heads):
        j = heads[k + 1][0] if k + 1 < len(heads) else end
        out.append((num, title, lines[i:j]))
    return out


def parse_sheet(num: int, title: str, lines: list[str]) -> Sheet:
    header = lines[1].strip()
    disq: list[str] = []
    for line in lines:
        if line.startswith(("Hồ sơ bị loại khi:", "Bị loại khi:")):
            t = line.split(":", 1)[1].strip()
            if t not in disq:
                disq.append(t)
    body_start = next(i for i, line in enumerate(lines) if line.startswith("Các tiêu chí"))
    items: list[Item] = []
    part = ""
    part_max: dict[str, int] = {}
    case = None
    for cells in _rows(lines[body_start + 2 :]):
        first = cells[0]
        value = _int(cells[1]) if len(cells) > 1 else None
        if first.startswith("TỔNG CỘNG"):
            break
        m = _PART_RE.match(first)
        if m:
            part = m.group(1).upper()
            part_max[part] = value if value is not None else -1
            case = None
            continue
        if first.startswith(("□", "o ")):  # sheet 7 prints one option with "o" instead of "□"
            label, *extra = first[1:].strip().split("\n")
            for line in extra:  # sheets 21/22 print a "Ghi chú" inside the option cell
                if line.strip().startswith(("Ghi chú", "Chú ý")):
                    items[-1].notes.append(" ".join(line.split()))
                else:
                    label += " " + line
            label = label.strip()
            stars = None
            sm = _STARS_RE.search(label)
            if sm:
                stars = sm.group(1).count("*")
                label = label[: sm.start()].rstrip(" ;")
            items[-1].options.append(Option(label=" ".join(label.split()), points=value, stars=stars, case=case))
            continue
        if first.startswith(("a. Trường hợp", "b. Trường hợp")):
            case = first[0]
            items[-1].notes.append(first)
            continue
        m = _NUMBERED_RE.match(first)
        if m and value is not None and not first.startswith(("Ghi chú", "Yêu cầu", "Chú ý")):
            head, _, rest = m.group(2).partition("\n")
            items.append(Item(number=m.group(1), label=" ".join(head.split()), points=value, part=part))
            if rest.strip():
                items[-1].notes.append(" ".join(rest.split()))
            case = None
            continue
        if items:
            items[-1].notes.append(" ".join(first.split()))
    return Sheet(num, title, header, disq, items, part_max)


def parse_official_text(path: Path | str = DEFAULT_SOURCE) -> list[Sheet]:
    text = Path(path).read_text(encoding="utf-8")
    return [parse_sheet(n, t, ls) for n, t, ls in _split_sheets(text)]


def leaves(sheet: Sheet) -> list[Item]:
    """Items that are scored (no numbered children)."""
    out = []
    for k, it in enumerate(sheet.items):
        nxt = sheet.items[k + 1] if k + 1 < len(sheet.items) else None
        if nxt is not None and nxt.number.startswith(it.number + "."):
            continue
        out.append(it)
    return out


def star_marks(sheet: Sheet) -> dict[str, dict[int, int]]:
    """{criterion number: {star: points of the marked option}} as printed in the official sheet."""
    out: dict[str, dict[int, int]] = {}
    for it in leaves(sheet):
        for o in it.options:
            if o.stars:
                out.setdefault(it.number, {})[o.stars] = o.points if o.points is not None else 0
    return out


def _summary(sheets: list[Sheet]) -> None:
    for s in sheets:
        lv = leaves(s)
        parts = {p: sum(i.points for i in lv if i.part == p) for p in "ABC"}
        print(f"#{s.number} {s.title} | {s.header} | parts {s.part_max} leaf sums {parts} total {sum(parts.values())}")
        for it in lv:
            pts = [o.points for o in it.options]
            best = max([p for p in pts if p is not None], default=None)
            flag = "" if best == it.points else f"  <-- max {it.points} vs best {best}"
            print(
                f"   {it.part} {it.number:7} ({it.points}) {it.label[:60]!r} opts={pts} "
                f"stars={[o.stars for o in it.options if o.stars]}{flag}"
            )


def main(argv: list[str]) -> None:
    sheets = parse_official_text()
    if argv and argv[0] == "dump":
        s = sheets[int(argv[1]) - 1]
        print(json.dumps(s, default=lambda o: o.__dict__, ensure_ascii=False, indent=1))
    else:
        _summary(sheets)


if __name__ == "__main__":
    main(sys.argv[1:])
