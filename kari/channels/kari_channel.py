"""The Kari input channel: POST /webhooks/kari/webhook.

Same request and response shape as Rasa's REST channel ({"sender", "message"} in, a JSON
list of {"recipient_id", "text", "buttons"?} out), but it:
- validates the request and answers bad input with a 4xx JSON {"error": "..."}, never a 5xx;
- cleans the text (control and zero-width characters out, NFC) and answers empty or too long
  messages itself with a friendly 200 reply, as the widget shows any 200 reply as a bot bubble;
- masks personal data before Rasa sees the text and tells each sender once, in their written
  standard, that it was removed;
- logs only lengths and kinds, never the text (and masks any DEBUG record of any library);
- keeps each sender's messages in order and within the reply time (issue 13): one message per
  sender at a time, first come first served; a message that cannot get its turn, or a processing
  slot, within REPLY_TIMEOUT_SECONDS gets HTTP 503 with Retry-After and is not processed at all;
  a turn still running at the time limit is cancelled, so nothing is computed or stored after the
  citizen was told there is no answer;
- treats a typed "/..." as text; a "/..." command is passed to Rasa only when it is the payload of
  a button Kari offered in its last reply to this sender, and only once (see `accept_command`);
- refuses browser requests from origins not in KARI_ALLOWED_ORIGINS (also "simple" cross-origin
  POSTs that skip the CORS preflight) and hides Rasa's version on GET /.
- answers its own replies in the conversation's written standard: the citizen's choice (optional
  request field "malform": "nn" | "nb", sent by the widget's Bokmål/Nynorsk switch and forwarded to
  Rasa as message metadata {"malform_choice": …}) or else the evidence accumulated over the
  sender's messages (kari.nlu.malform.conversation_malform).

Register in credentials.yml as `kari.channels.kari_channel.KariInput:` (optional keys:
max_chars, max_body_bytes, max_concurrent, max_queued; KARI_MAX_CONCURRENT and KARI_MAX_QUEUED
override the last two).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import unicodedata
from collections import OrderedDict
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from kari import action_client, logs, privacy
from kari.conversation.emergency import detect as detect_emergency
from kari.conversation.texts import emergency_text
from kari.tracker_store import TrackerStoreUnavailable

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 16 * 1024
MAX_CHARS = 1000
MAX_REMEMBERED_SENDERS = 10_000
# The citizen hears from Kari within this many seconds, even when an action hangs.
REPLY_TIMEOUT_SECONDS = 4.0
MAX_CONCURRENT = 8  # turns Rasa works on at once
# Turns waiting for one of those slots; more get 503 at once. About two seconds of work at the 50 turns a
# second measured on 2 cores (`make bench`), so a queued turn is answered well within the reply time; 32
# turned 27 % of 50 simultaneous citizens away while the cores could still serve them (issue 16).
MAX_QUEUED = 96
MAX_PER_SENDER = 5  # messages of one sender waiting or in progress; more get 503 at once
RETRY_AFTER_SECONDS = 2
_COMMAND_RE = re.compile(r"/[A-Za-z0-9_]+(\{.*\})?(@[0-9.]+)?", re.DOTALL)
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
    "busy": {
        "nn": "Eg har mykje å gjere akkurat no. Vent litt og send meldinga di på nytt.",
        "nb": "Jeg har mye å gjøre akkurat nå. Vent litt og send meldingen din på nytt.",
    },
    "failure": {
        "nn": "Orsak, noko gjekk gale hos meg. Prøv igjen om litt, eller ring kommunen på 70 16 20 00.",
        "nb": "Beklager, noe gikk galt hos meg. Prøv igjen om litt, eller ring kommunen på 70 16 20 00.",
    },
}

# Errors a client program (not a citizen typing) can cause; Norwegian, as the widget may show them.
ERRORS = {
    "method": 'Berre POST er støtta her. Send JSON: {"sender": "…", "message": "…"}.',
    "content_type": "Content-Type må vere application/json.",
    "too_large": "Førespurnaden er for stor (maks {max} byte).",
    "json": "Ugyldig JSON: kunne ikkje lese innhaldet som UTF-8-JSON.",
    "object": "Ugyldig JSON: venta eit objekt med feltene «sender» og «message».",
    "sender": "Feltet «sender» må vere ein tekst på 1–64 teikn (A–Z, a–z, 0–9, _ eller -).",
    "message": "Feltet «message» må vere ein tekst.",
    "malform": "Feltet «malform» må vere «nn» eller «nb» (eller mangle).",
    "origin": "Denne nettstaden har ikkje løyve til å sende meldingar til Kari.",
    "unexpected": 'Kunne ikkje handsame førespurnaden. Prøv igjen med {"sender": "…", "message": "…"}.',
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
        entry = self._data.pop(sender, None) or {
            "malform": None,
            "noticed": False,
            "offered": set(),
            "scores": [],
            "choice": None,
        }
        self._data[sender] = entry
        while len(self._data) > self._size:
            self._data.popitem(last=False)
        return entry


_NB_KIND_NAMES = {privacy.NAME: "navn"}


def _kind_names(kinds: List[str], malform: str) -> List[str]:
    return [_NB_KIND_NAMES.get(k, k) if malform == "nb" else k for k in kinds]


class _SenderTurns:
    """One sender's messages in progress: FIFO, one at a time."""

    def __init__(self) -> None:
        self.lock = asyncio.Lock()
        self.pending = 0


async def _hide_version(request: Request, resp: HTTPResponse) -> Optional[HTTPResponse]:
    """Rasa answers GET / with its version; say only that Kari is up."""
    if request.path == "/" and (resp.body or b"").startswith(b"Hello from Rasa"):
        return response.text("Kari")
    return None


class _KariBlueprint(Blueprint):
    """The channel's routes, plus one app-wide response hook that hides Rasa's version."""

    def register(self, app: Any, options: Any) -> None:
        super().register(app, options)
        if not getattr(app.ctx, "kari_version_hidden", False):
            app.ctx.kari_version_hidden = True
            app.register_middleware(_hide_version, "response")


def _mask_debug_records() -> None:
    """Every DEBUG record (Rasa's, Sanic's, any library's) goes through the masking before a
    handler sees it, so `LOG_LEVEL=DEBUG` cannot write personal data that reached a log call."""
    previous = logging.getLogRecordFactory()
    if getattr(previous, "kari_masking", False):
        return

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        if record.levelno < logging.INFO:
            try:
                text = record.getMessage()
            except Exception:  # noqa: BLE001 - a broken log call is not ours to fix
                return record
            record.msg, record.args = privacy.mask(text)[0], None
        return record

    factory.kari_masking = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)


_mask_debug_records()
logs.json_on_root_if_asked()


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
            max_concurrent=int(
                os.environ.get("KARI_MAX_CONCURRENT") or credentials.get("max_concurrent") or MAX_CONCURRENT
            ),
            max_queued=int(os.environ.get("KARI_MAX_QUEUED") or credentials.get("max_queued") or MAX_QUEUED),
            allowed_origins=(os.environ.get("KARI_ALLOWED_ORIGINS") or "").split(),
        )

    def __init__(
        self,
        max_chars: int = MAX_CHARS,
        max_body_bytes: int = MAX_BODY_BYTES,
        max_concurrent: int = MAX_CONCURRENT,
        max_queued: int = MAX_QUEUED,
        allowed_origins: Optional[List[str]] = None,
    ) -> None:
        self.max_chars = max_chars
        self.max_body_bytes = max_body_bytes
        self.max_concurrent = max_concurrent
        self.max_queued = max_queued
        self.allowed_origins = set(allowed_origins or [])
        self.senders = _SenderMemory()
        self._turns: Dict[str, "_SenderTurns"] = {}
        self._capacity: Optional[asyncio.Semaphore] = None  # made on the server's loop
        self._queued = 0

    def _reply(self, sender: str, key: str, malform: str, **fmt: Any) -> Dict[str, Any]:
        return {"recipient_id": sender, "text": REPLIES[key][malform].format(**fmt)}

    def _emergency(self, sender: str, malform: str, text: str) -> Optional[Dict[str, Any]]:
        """When Kari cannot answer (busy, too slow, a part down), an emergency still gets its numbers:
        the same deterministic detector the NLU uses, no Rasa or database needed."""
        alarm = detect_emergency(text)
        if alarm is None:
            return None
        logger.warning("kari.channel.emergency_fallback")
        return {"recipient_id": sender, "text": emergency_text(alarm.categories, malform, text)}

    def _fallback(self, sender: str, key: str, malform: str, text: str) -> Dict[str, Any]:
        return self._emergency(sender, malform, text) or self._reply(sender, key, malform)

    def _busy(self, sender: str, malform: str, replies: List[Dict[str, Any]], text: str) -> HTTPResponse:
        logger.warning("kari.channel.busy")
        emergency = self._emergency(sender, malform, text)
        if emergency is not None:
            return response.json(replies + [emergency])
        return response.json(
            replies + [self._reply(sender, "busy", malform)],
            status=503,
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )

    def accept_command(self, sender: str, text: str) -> bool:
        """True when `text` is a "/intent{...}" payload of a button Kari offered in its last reply
        to `sender` (what the widget sends when a button is clicked); it is then used up, so a
        button works once. Anything else starting with "/" is the citizen's text."""
        offered = self.senders.get(sender)["offered"]
        if text in offered:
            offered.clear()
            return True
        return False

    def remember_buttons(self, sender: str, messages: List[Dict[str, Any]]) -> None:
        """The payloads of the buttons in Kari's reply: the only commands the next message may be."""
        self.senders.get(sender)["offered"] = {
            str(b["payload"])
            for m in messages
            for b in (m.get("buttons") or [])
            if isinstance(b, dict) and str(b.get("payload") or "").startswith("/")
        }

    def _origin_allowed(self, request: Request) -> bool:
        origin = request.headers.get("origin")
        return origin is None or origin in self.allowed_origins

    def _parse(self, request: Request) -> "tuple[Optional[HTTPResponse], str, str, Optional[str]]":
        """Validate the request, reading its JSON once: (error response or None, sender, raw message,
        the citizen's chosen standard from the optional "malform" field or None)."""
        content_type = (request.headers.get("content-type") or "").split(";")[0].strip().lower()
        if self.require_json_content_type and not (
            content_type == "application/json" or content_type.endswith("+json")
        ):
            return _error("content_type", 415), "", "", None
        body = request.body or b""
        if len(body) > self.max_body_bytes:
            return _error("too_large", 413, max=self.max_body_bytes), "", "", None
        try:
            payload = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            return _error("json", 400), "", "", None
        if not isinstance(payload, dict):
            return _error("object", 400), "", "", None
        sender, message = payload.get("sender"), payload.get("message")
        if not isinstance(sender, str) or not _SENDER_RE.fullmatch(sender):
            return _error("sender", 400), "", "", None
        if not isinstance(message, str):
            return _error("message", 400), "", "", None
        if payload.get("malform") not in (None, "nn", "nb"):
            return _error("malform", 400), "", "", None
        return None, sender, message, payload.get("malform")

    async def handle(self, request: Request, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> HTTPResponse:
        if not self._origin_allowed(request):
            logger.info("kari.channel.rejected status=403 reason=origin")
            return _error("origin", 403)
        error, sender, raw, choice = self._parse(request)
        if error is not None:
            size = len(request.body or b"")
            logger.info("kari.channel.rejected status=%s body_bytes=%d", error.status, size)
            return error

        text = clean_text(raw)
        command = text.startswith("/") and bool(_COMMAND_RE.fullmatch(text)) and self.accept_command(sender, text)
        if text.startswith("/") and not command:
            text = text.lstrip("/ ")  # typed by the citizen: text, never a command to Rasa
        memory = self.senders.get(sender)
        if choice:
            memory["choice"] = choice  # a click on the widget's switch holds for the conversation
        if not text:
            malform = conversation_malform(memory["scores"], memory["choice"])
            return response.json([self._reply(sender, "empty", malform)])

        result = privacy.mask_details(text) if not command else privacy.MaskResult(text, [])
        masked = result.text
        if not command:  # a button's payload says nothing about how the citizen writes
            memory["scores"] = (memory["scores"] + [malform_evidence(masked[: self.max_chars * 2])])[
                -MAX_REMEMBERED_TURNS:
            ]
        malform = conversation_malform(memory["scores"], memory["choice"])
        memory["malform"] = malform
        logger.info(
            "kari.channel.message chars=%d masked=%s command=%s",
            len(text),
            ",".join(f"{k}={n}" for k, n in sorted(result.counts.items())) or "-",
            "yes" if command else "no",
        )

        if len(text) > self.max_chars:
            return response.json([self._reply(sender, "too_long", malform, max=self.max_chars)])

        replies: List[Dict[str, Any]] = []
        if result.kinds and not memory["noticed"]:
            memory["noticed"] = True
            kinds = ", ".join(_kind_names(result.kinds, malform))
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
        loop = asyncio.get_running_loop()
        deadline = loop.time() + REPLY_TIMEOUT_SECONDS
        turns = self._turns.setdefault(sender, _SenderTurns())
        if turns.pending >= MAX_PER_SENDER:
            return self._busy(sender, malform, replies, masked)
        turns.pending += 1
        try:
            try:  # this sender's earlier messages first (FIFO), within the reply time
                await asyncio.wait_for(turns.lock.acquire(), max(0.0, deadline - loop.time()))
            except asyncio.TimeoutError:
                return self._busy(sender, malform, replies, masked)
            try:
                return await self._run_turn(message, collector, sender, malform, replies, deadline, on_new_message)
            finally:
                turns.lock.release()
        finally:
            turns.pending -= 1
            if turns.pending == 0:
                self._turns.pop(sender, None)

    async def _run_turn(
        self,
        message: UserMessage,
        collector: CollectingOutputChannel,
        sender: str,
        malform: str,
        replies: List[Dict[str, Any]],
        deadline: float,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
    ) -> HTTPResponse:
        loop = asyncio.get_running_loop()
        masked = message.text or ""
        if self._capacity is None:
            self._capacity = asyncio.Semaphore(self.max_concurrent)
        if self._queued >= self.max_queued:
            return self._busy(sender, malform, replies, masked)
        self._queued += 1
        try:
            await asyncio.wait_for(self._capacity.acquire(), max(0.0, deadline - loop.time()))
        except asyncio.TimeoutError:
            return self._busy(sender, malform, replies, masked)
        finally:
            self._queued -= 1
        try:
            # No shield: at the time limit the turn is cancelled, so no answer is computed or
            # stored after the citizen was told there is none.
            await asyncio.wait_for(on_new_message(message), max(0.05, deadline - loop.time()))
        except asyncio.TimeoutError:
            logger.warning("kari.channel.slow_reply seconds=%s", REPLY_TIMEOUT_SECONDS)
            return response.json(replies + [self._fallback(sender, "no_answer", malform, masked)])
        except TrackerStoreUnavailable:
            logger.error("kari.channel.tracker_store_unavailable")
            return response.json(replies + [self._fallback(sender, "failure", malform, masked)])
        except (asyncio.CancelledError, Exception) as exc:  # noqa: BLE001 - never a 5xx
            logger.error("kari.channel.rasa_failed error=%s", type(exc).__name__)
            return response.json(replies + [self._fallback(sender, "failure", malform, masked)])
        finally:
            self._capacity.release()
        if not collector.messages:  # e.g. the action server is down: Rasa logs it and says nothing
            return response.json(replies + [self._fallback(sender, "no_answer", malform, masked)])
        self.remember_buttons(sender, collector.messages)
        return response.json(replies + await _forget_if_asked(sender, collector.messages, self.senders))

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        action_client.install()  # the Rasa server calls the action server without repeated work
        bp = _KariBlueprint(f"kari_webhook_{id(self)}", url_prefix=None)

        @bp.listener("after_server_stop")
        async def close_action_client(*_: Any) -> None:
            await action_client.close()

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


async def _forget_if_asked(
    sender: str, messages: List[Dict[str, Any]], memory: "_SenderMemory"
) -> List[Dict[str, Any]]:
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
