"""Sending text through the Zalo OA customer-service message API (`/v3.0/oa/message/cs`).

Error -216 (access token invalid or expired) triggers one token refresh and one resend. The reply
window errors (-213: no interaction for 48 hours, -230: none for 7 days, -201: not a follower) are
logged and not retried; no error escapes as an exception.
"""

from __future__ import annotations

import logging

import httpx

from gateway.channels.zalo.tokens import ZaloTokenError, ZaloTokens

logger = logging.getLogger(__name__)

SEND_PATH = "/v3.0/oa/message/cs"
TOKEN_EXPIRED = -216
WINDOW_ERRORS = {
    -213: "the user has not interacted with the OA in the last 48 hours",
    -230: "the user has not interacted with the OA in the last 7 days",
    -201: "the user does not follow the OA",
}


class ZaloOA:
    def __init__(self, http: httpx.AsyncClient, openapi_url: str, tokens: ZaloTokens) -> None:
        self._http = http
        self._url = openapi_url.rstrip("/") + SEND_PATH
        self.tokens = tokens

    async def send_text(self, user_id: str, text: str) -> bool:
        """Send `text` to `user_id`; True when Zalo accepted it."""
        return await self.send_text_status(user_id, text) == 0

    async def send_text_status(self, user_id: str, text: str) -> int | None:
        """Send `text` to `user_id`; Zalo's error code (0: sent), None when no answer came from Zalo."""
        try:
            token = await self.tokens.current()
            result = await self._post(token, user_id, text)
            if result.get("error") == TOKEN_EXPIRED:
                token = await self.tokens.refresh(token)
                result = await self._post(token, user_id, text)
        except ZaloTokenError as error:
            logger.error("Zalo reply not sent: %s", error)
            return None
        except (httpx.HTTPError, ValueError) as error:
            logger.error("Zalo reply not sent: %s", type(error).__name__)
            return None
        code = result.get("error")
        if code == 0:
            return 0
        if code in WINDOW_ERRORS:
            logger.warning("Zalo reply not allowed (error %s: %s); not retried", code, WINDOW_ERRORS[code])
        else:
            logger.error("Zalo reply rejected: error %s %s", code, result.get("message", ""))
        return code if isinstance(code, int) else None

    async def _post(self, token: str, user_id: str, text: str) -> dict:
        response = await self._http.post(
            self._url,
            json={"recipient": {"user_id": user_id}, "message": {"text": text}},
            headers={"access_token": token},
        )
        body = response.json()
        return body if isinstance(body, dict) else {"error": None, "message": "unexpected response"}
