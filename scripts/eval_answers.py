"""Answer-level evaluation through the running assistant (`make run` first, or pass --url).

    .venvs/app/bin/python scripts/eval_answers.py [--split holdout|tune|all] [--misses 20] [--url URL]

Each question of tests/answers/questions.yml goes to the gateway's web chat (`POST /api/chat`) in a new
conversation; the reply is scored by knowledge_base.answer_evaluation. Prints tables by split, topic, style
and wording origin, the reply latency, and with --misses the replies that were not correct. --direct asks
the knowledge base in-process instead (no NLU, no dialogue): for tuning retrieval on the tune split only.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from knowledge_base import answer_evaluation as ev  # noqa: E402
from knowledge_base.answer import NOT_SURE  # noqa: E402
from stack.settings import StackSettings  # noqa: E402

ITEMS = ROOT / "tests" / "answers" / "questions.yml"


def direct_sender():
    """``send`` through ``answer_question`` alone: the knowledge base without NLU and dialogue."""
    from knowledge_base.answer import answer_question

    return lambda question: answer_question(question).text


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=Path, default=ITEMS)
    parser.add_argument("--split", choices=("all",) + ev.SPLITS, default="all")
    parser.add_argument("--url", default=f"http://127.0.0.1:{StackSettings.from_env().gateway_port}")
    parser.add_argument("--misses", type=int, default=0, help="show this many replies that were not correct")
    parser.add_argument(
        "--direct",
        action="store_true",
        help="ask knowledge_base.answer in this process instead of the running assistant (tuning)",
    )
    args = parser.parse_args()
    items = [i for i in ev.load_items(args.items) if args.split in ("all", i.split)]
    send = direct_sender() if args.direct else ev.web_chat_sender(args.url)
    results, latencies = ev.run(items, send, ev.reply_markers(ROOT / "domain.yml", [NOT_SURE]))
    print(
        ("knowledge base only (--direct): no NLU, no dialogue\n" if args.direct else "")
        + ev.report(results, latencies, args.misses)
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
