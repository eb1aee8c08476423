"""`make chat`: chat with the running assistant in a terminal, like `rasa shell`.

Talks to Rasa's REST channel (started by `make run`). Buttons are listed with numbers; typing the
number presses the button. An empty line or Ctrl-D ends the chat.
"""

from __future__ import annotations

import argparse
import sys
import uuid

import httpx

from stack.settings import StackSettings


def render(messages: list[dict]) -> tuple[str, list[dict]]:
    """Text to print for Rasa's replies, and the buttons offered (numbered from 1)."""
    lines, buttons = [], []
    for message in messages:
        if message.get("text"):
            lines.append(message["text"])
        for button in message.get("buttons") or []:
            buttons.append(button)
            lines.append(f"  [{len(buttons)}] {button.get('title', '')}")
    return "\n".join(lines), buttons


def resolve(typed: str, buttons: list[dict]) -> str:
    """A number that names an offered button sends its payload; anything else is sent as typed."""
    if typed.isdigit() and 1 <= int(typed) <= len(buttons):
        return buttons[int(typed) - 1]["payload"]
    return typed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rasa-url", default=StackSettings.from_env().chat_rasa_url)
    parser.add_argument("--sender", default=f"terminal:{uuid.uuid4().hex[:8]}")
    args = parser.parse_args(argv)
    endpoint = f"{args.rasa_url.rstrip('/')}/webhooks/rest/webhook"
    print("Trợ lý OCOP — gõ câu hỏi (có dấu hoặc không dấu); gõ số để chọn nút; dòng trống để thoát.")
    buttons: list[dict] = []
    with httpx.Client(timeout=60) as client:
        while True:
            try:
                typed = input("Bạn: ").strip()
            except EOFError:
                break
            if not typed:
                break
            try:
                response = client.post(endpoint, json={"sender": args.sender, "message": resolve(typed, buttons)})
                response.raise_for_status()
            except httpx.HTTPError as error:
                print(
                    f"Không kết nối được với trợ lý tại {args.rasa_url} ({error.__class__.__name__}). "
                    "Hãy chạy `make run` trước.",
                    file=sys.stderr,
                )
                return 1
            text, buttons = render(response.json())
            print(f"Bot: {text}" if text else "Bot: (không có trả lời)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
