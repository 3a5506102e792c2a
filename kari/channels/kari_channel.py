"""The Kari input channel: POST /webhooks/kari/webhook.

Same request and response shape as Rasa's REST channel ({"sender", "message"} in, a JSON
list of {"recipient_id", "text", "buttons"?} out), but it:
- validates the request and answers bad input with a 4xx JSON {"error": "..."}, never a 5xx;
- cleans the text (control and zero-width characters out, NFC) and answers empty or too long
  messages itself with a friendly 200 reply, as the widget shows any 200 reply as a bot bubble;
- masks personal data before Rasa sees the text and tells each sender once, in their written
  standard, that it was removed;
- logs only lengths and kinds, never the text;
- answers its own replies in the conversation's written standard: the citizen's choice (optional
  request field "malform": "nn" | "nb", sent by the widget's Bokmål/Nynorsk switch and forwarded to
  Rasa as message metadata {"malform_choice": …}) or else the evidence accumulated over the
  sender's messages (kari.nlu.malform.conversation_malform).

Register in credentials.yml as `kari.channels.kari_channel.KariInput:` (optional keys:
max_chars, max_body_bytes).
"""
from __future__ import annotations

import asyncio
import json
import logging
import re
import unicodedata
from collections import OrderedDict
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage

from kari import privacy

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 16 * 1024
MAX_CHARS = 1000
MAX_REMEMBERED_SENDERS = 10_000
# The citizen hears from Kari within this many seconds, even when an action hangs.
REPLY_TIMEOUT_SECONDS = 4.0
_SENDER_RE = re.compile(r"[A-Za-z0-9_-]{1,64}")
_NEWLINES = {"\n", "\r", "\t", "\v", "\f", "\u0085", "\u2028", "\u2029"}

REPLIES: Dict[str, Dict[str, str]] = {
    "empty": {
        "nn": "Skriv gjerne kva du lurer på, så skal eg prøve å hjelpe deg.",
        "nb": "Skriv gjerne hva du lurer på, så skal jeg prøve å hjelpe deg.",
    },
    "too_long": {
        "nn": "Meldinga di er for lang – eg kan ta imot opptil {max} teikn. "
        "Kan du korte henne ned og gjerne spørje om éin ting om gongen?",
        "nb": "Meldingen din er for lang – jeg kan ta imot opptil {max} tegn. "
        "Kan du korte den ned og gjerne spørre om én ting om gangen?",
    },
    "privacy_notice": {
        "nn": "Eg har fjerna noko som liknar personopplysningar ({kinds}) frå meldinga di. "
        "Ikkje send slike opplysningar i chatten – eg treng dei ikkje for å svare deg.",
        "nb": "Jeg har fjernet noe som ligner personopplysninger ({kinds}) fra meldingen din. "
        "Ikke send slike opplysninger i chatten – jeg trenger dem ikke for å svare deg.",
    },
    "only_personal_data": {
        "nn": "Kva kan eg hjelpe deg med? Skriv spørsmålet ditt utan personopplysningar.",
        "nb": "Hva kan jeg hjelpe deg med? Skriv spørsmålet ditt uten personopplysninger.",
    },
    "no_answer": {
        "nn": "Eg fekk dessverre ikkje fram eit svar akkurat no. Prøv igjen om litt, "
        "eller ring Ålesund kommune på 70 16 20 00.",
        "nb": "Jeg fikk dessverre ikke fram et svar akkurat nå. Prøv igjen om litt, "
        "eller ring Ålesund kommune på 70 16 20 00.",
    },
    "failure": {
        "nn": "Orsak, noko gjekk gale hos meg. Prøv igjen om litt, "
        "eller ring kommunen på 70 16 20 00.",
        "nb": "Beklager, noe gikk galt hos meg. Prøv igjen om litt, "
        "eller ring kommunen på 70 16 20 00.",
    },
}

# Errors a client program (not a citizen typing) can cause; Norwegian, as the widget may show them.
ERRORS = {
    "method": "Berre POST er støtta her. Send JSON: {\"sender\": \"…\", \"message\": \"…\"}.",
    "content_type": "Content-Type må vere application/json.",
    "too_large": "Førespurnaden er for stor (maks {max} byte).",
    "json": "Ugyldig JSON: kunne ikkje lese innhaldet som UTF-8-JSON.",
    "object": "Ugyldig JSON: venta eit objekt med feltene «sender» og «message».",
    "sender": "Feltet «sender» må vere ein tekst på 1–64 teikn (A–Z, a–z, 0–9, _ eller -).",
    "message": "Feltet «message» må vere ein tekst.",
    "malform": "Feltet «malform» må vere «nn» eller «nb» (eller mangle).",
    "unexpected": "Kunne ikkje handsame førespurnaden. "
    "Prøv igjen med {\"sender\": \"…\", \"message\": \"…\"}.",
}


def detect_malform(text: str) -> Optional[str]:
    """The citizen's written standard, or None; never raises (a bad guess is harmless)."""
    try:
        from kari.nlu.malform import detect_malform as detect

        result = detect(text)
    except Exception:  # noqa: BLE001 - detection must never break the channel
        logger.warning("kari.channel.malform_detection_failed")
        return None
    return result if result in ("nn", "nb") else None


def malform_evidence(text: str) -> float:
    """The text's written-standard log-odds (> 0 Bokmål); 0.0 on any failure (never raises)."""
    try:
        from kari.nlu.malform import malform_evidence as evidence

        return float(evidence(text))
    except Exception:  # noqa: BLE001 - detection must never break the channel
        logger.warning("kari.channel.malform_detection_failed")
        return 0.0


def conversation_malform(scores: List[float], chosen: Optional[str]) -> str:
    """The sender's standard: their choice, else their accumulated evidence; Nynorsk when unsure."""
    try:
        from kari.nlu.malform import conversation_malform as decide

        result = decide(scores, chosen)
    except Exception:  # noqa: BLE001
        logger.warning("kari.channel.malform_detection_failed")
        result = chosen
    return result if result in ("nn", "nb") else "nn"


MAX_REMEMBERED_TURNS = 20


def clean_text(text: str) -> str:
    """Drop control, format (zero-width, bidi) and surrogate characters; NFC; squeeze spaces."""
    out = []
    for char in text:
        if char in _NEWLINES:
            out.append(" ")
            continue
        category = unicodedata.category(char)
        if category in ("Cc", "Cf", "Cs", "Co"):
            continue
        out.append(char)
    text = unicodedata.normalize("NFC", "".join(out))
    return " ".join(text.split())


def _error(key: str, status: int, **fmt: Any) -> HTTPResponse:
    return response.json({"error": ERRORS[key].format(**fmt)}, status=status)


class _SenderMemory:
    """Per-sender written standard and whether the privacy notice was shown (bounded LRU).

    In memory only: after a restart a sender may see the notice once more, which is harmless.
    """

    def __init__(self, size: int = MAX_REMEMBERED_SENDERS) -> None:
        self._size = size
        self._data: "OrderedDict[str, Dict[str, Any]]" = OrderedDict()

    def get(self, sender: str) -> Dict[str, Any]:
        entry = self._data.pop(sender, None) or {"malform": None, "noticed": False, "scores": [], "choice": None}
        self._data[sender] = entry
        while len(self._data) > self._size:
            self._data.popitem(last=False)
        return entry


class KariInput(InputChannel):
    """Rasa input channel for the Kari widget (URL prefix /webhooks/kari)."""

    require_json_content_type = True

    @classmethod
    def name(cls) -> Text:
        return "kari"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "KariInput":
        credentials = credentials or {}
        return cls(
            max_chars=int(credentials.get("max_chars") or MAX_CHARS),
            max_body_bytes=int(credentials.get("max_body_bytes") or MAX_BODY_BYTES),
        )

    def __init__(self, max_chars: int = MAX_CHARS, max_body_bytes: int = MAX_BODY_BYTES) -> None:
        self.max_chars = max_chars
        self.max_body_bytes = max_body_bytes
        self.senders = _SenderMemory()

    def _reply(self, sender: str, key: str, malform: str, **fmt: Any) -> Dict[str, Any]:
        return {"recipient_id": sender, "text": REPLIES[key][malform].format(**fmt)}

    def _parse(self, request: Request) -> "tuple[Optional[HTTPResponse], str, str]":
        """Validate the request; (error response or None, sender, raw message).

        The optional "malform" field ("nn" | "nb") is validated here; handle() reads it with _choice.
        """
        content_type = (request.headers.get("content-type") or "").split(";")[0].strip().lower()
        if self.require_json_content_type and not (
            content_type == "application/json" or content_type.endswith("+json")
        ):
            return _error("content_type", 415), "", ""
        body = request.body or b""
        if len(body) > self.max_body_bytes:
            return _error("too_large", 413, max=self.max_body_bytes), "", ""
        try:
            payload = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            return _error("json", 400), "", ""
        if not isinstance(payload, dict):
            return _error("object", 400), "", ""
        sender, message = payload.get("sender"), payload.get("message")
        if not isinstance(sender, str) or not _SENDER_RE.fullmatch(sender):
            return _error("sender", 400), "", ""
        if not isinstance(message, str):
            return _error("message", 400), "", ""
        if payload.get("malform") not in (None, "nn", "nb"):
            return _error("malform", 400), "", ""
        return None, sender, message

    @staticmethod
    def _choice(request: Request) -> Optional[str]:
        """The citizen's chosen standard from an already validated body, or None."""
        try:
            choice = json.loads((request.body or b"").decode("utf-8")).get("malform")
        except (UnicodeDecodeError, ValueError, RecursionError, AttributeError):
            return None
        return choice if choice in ("nn", "nb") else None

    async def handle(
        self, request: Request, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> HTTPResponse:
        error, sender, raw = self._parse(request)
        if error is not None:
            size = len(request.body or b"")
            logger.info("kari.channel.rejected status=%s body_bytes=%d", error.status, size)
            return error

        text = clean_text(raw)
        memory = self.senders.get(sender)
        choice = self._choice(request)
        if choice:
            memory["choice"] = choice  # a click on the widget's switch holds for the conversation
        if not text:
            malform = conversation_malform(memory["scores"], memory["choice"])
            return response.json([self._reply(sender, "empty", malform)])

        result = privacy.mask_details(text)
        masked = result.text
        memory["scores"] = (memory["scores"] + [malform_evidence(masked[: self.max_chars * 2])])[
            -MAX_REMEMBERED_TURNS:]
        malform = conversation_malform(memory["scores"], memory["choice"])
        memory["malform"] = malform
        logger.info(
            "kari.channel.message chars=%d masked=%s",
            len(text),
            ",".join(f"{k}={n}" for k, n in sorted(result.counts.items())) or "-",
        )

        if len(text) > self.max_chars:
            return response.json([self._reply(sender, "too_long", malform, max=self.max_chars)])

        replies: List[Dict[str, Any]] = []
        if result.kinds and not memory["noticed"]:
            memory["noticed"] = True
            kinds = ", ".join(result.kinds)
            replies.append(self._reply(sender, "privacy_notice", malform, kinds=kinds))
        if result.kinds and privacy.only_placeholders(masked):
            if not replies:
                replies.append(self._reply(sender, "only_personal_data", malform))
            return response.json(replies)

        collector = CollectingOutputChannel()
        metadata: Dict[str, Any] = {"masked": list(result.kinds)}
        if memory["choice"]:
            metadata["malform_choice"] = memory["choice"]
        message = UserMessage(masked, collector, sender, input_channel=self.name(), metadata=metadata)
        try:
            # shield: a slow turn still finishes and is stored; only the wait is cut short.
            await asyncio.wait_for(asyncio.shield(on_new_message(message)), REPLY_TIMEOUT_SECONDS)
        except asyncio.TimeoutError:
            logger.warning("kari.channel.slow_reply seconds=%s", REPLY_TIMEOUT_SECONDS)
            return response.json(replies + [self._reply(sender, "no_answer", malform)])
        except (asyncio.CancelledError, Exception) as exc:  # noqa: BLE001 - never a 5xx
            logger.error("kari.channel.rasa_failed error=%s", type(exc).__name__)
            return response.json(replies + [self._reply(sender, "failure", malform)])
        if not collector.messages:  # e.g. the action server is down: Rasa logs it and says nothing
            return response.json(replies + [self._reply(sender, "no_answer", malform)])
        return response.json(replies + await _forget_if_asked(sender, collector.messages, self.senders))

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        bp = Blueprint(f"kari_webhook_{id(self)}", url_prefix=None)

        @bp.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @bp.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            try:
                return await self.handle(request, on_new_message)
            except Exception as exc:  # noqa: BLE001 - last resort: a clear 400, not a 500
                logger.error("kari.channel.unexpected error=%s", type(exc).__name__)
                return _error("unexpected", 400)

        @bp.route("/webhook", methods=["GET", "PUT", "PATCH", "DELETE"])
        async def wrong_method(request: Request) -> HTTPResponse:
            return response.json({"error": ERRORS["method"]}, status=405, headers={"Allow": "POST"})

        return bp


class KariRestInput(KariInput):
    """The same channel at Rasa's usual /webhooks/rest/webhook, so no route skips the masking.

    Accepts any content type, as `curl -d` and other simple clients send form encoding.
    """

    require_json_content_type = False

    @classmethod
    def name(cls) -> Text:
        return "rest"


# --- "Gløym meg" / "Glem meg" (issue 5) ---------------------------------------------------------
# action_forget_me cannot delete the conversation itself: Rasa saves the tracker after the turn and
# would write the events back. It sends a custom message {"kari_forget": true, "done": …, "failed": …}
# instead; once the turn is saved, the channel deletes the conversation and says so.
FORGET_KEY = "kari_forget"


async def _forget_if_asked(sender: str, messages: List[Dict[str, Any]], memory: "_SenderMemory") -> List[Dict[str, Any]]:
    asked = [m for m in messages if isinstance(m.get("custom"), dict) and m["custom"].get(FORGET_KEY)]
    if not asked:
        return messages
    from kari.retention import delete_conversation

    custom = asked[-1]["custom"]
    try:
        await asyncio.get_running_loop().run_in_executor(None, delete_conversation, sender)
        memory._data.pop(sender, None)
        text, outcome = custom.get("done"), "deleted"
    except Exception as exc:  # noqa: BLE001 - the citizen gets an honest reply, never a 5xx
        logger.error("kari.channel.forget_failed error=%s", type(exc).__name__)
        text, outcome = custom.get("failed"), "failed"
    logger.info("kari.channel.forget outcome=%s", outcome)
    kept = [m for m in messages if not (isinstance(m.get("custom"), dict) and m["custom"].get(FORGET_KEY))]
    return kept + [{"recipient_id": sender, "text": str(text or "")}]
