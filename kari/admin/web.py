"""The staff pages under /admin, as a Sanic blueprint that `kari.web.app` mounts.

Every page except log-in needs a session (cookie `kari_admin`, HttpOnly, SameSite=Strict): without one a
GET is sent to the log-in page and a POST gets 401. Every POST carries the session's CSRF token (the
log-in form a token bound to a cookie of its own). Roles: editor < trainer < admin (`accounts.ROLES`).
The database work is short and synchronous; the password check runs in a thread.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hmac
import secrets
from functools import wraps
from pathlib import Path
from typing import Any, Awaitable, Callable
from urllib.parse import quote, urlencode

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sanic import Blueprint
from sanic.request import Request
from sanic.response import HTTPResponse, html, redirect
from sanic.response import file as file_response
from sqlalchemy.exc import SQLAlchemyError

from kari.admin import accounts, edits
from kari.knowledge.db import KnowledgeBaseUnavailable, session_scope
from kari.knowledge.models import ASPECTS
from kari.knowledge.store import unexported_changes

HERE = Path(__file__).parent
COOKIE = "kari_admin"
LOGIN_COOKIE = "kari_admin_login"
env = Environment(loader=FileSystemLoader(str(HERE / "templates")), autoescape=select_autoescape(["html"]))

ROLE_NAMES = {"editor": "redaktør", "trainer": "trenar", "admin": "administrator"}
ASPECT_NAMES = {
    "about": "Kva det er",
    "why": "Kvifor",
    "apply": "Søknad og påmelding",
    "contact": "Kontakt",
    "hours": "Opningstider",
    "deadline": "Fristar",
    "price": "Pris",
}
KIND_NAMES = {"partner": "Partnar", "project": "Prosjekt", "service": "Teneste", "municipality": "Kommunen"}
# Messages after a successful POST (the redirect carries only the code, never text).
DONE = {
    "saved": "Endringa er lagra. Kari brukar ho frå neste melding.",
    "created": "Emnet er oppretta.",
    "retired": "Emnet er teke ut av bruk. Du kan angre det i historikken.",
    "reverted": "Endringa er angra.",
    "example": "Eksempelspørsmålet er lagra og i bruk med ein gong.",
    "removed": "Eksempelspørsmålet er fjerna.",
    "attached": "Spørsmålet er lagt til som eksempelspørsmål og er i bruk med ein gong.",
    "trained": "Treningseksempelet er lagra i data/nlu/. Det verkar etter neste trening.",
    "intent": "Intensjonen er laga (domain.yml, data/rules.yml, data/nlu/staff.yml). Han verkar etter neste trening.",
    "intent_removed": "Intensjonen er fjerna. Modellen kjenner han til neste trening.",
    "staff": "Brukaren er lagra.",
    "unlocked": "Brukaren er låst opp.",
    "training": "Trening og sjekk er starta. Last sida på nytt for å sjå framdrifta.",
    "restored": "Den førre modellen blir sett tilbake og lasta inn i Rasa. Last sida på nytt for å sjå framdrifta.",
}
NAV = [
    ("/admin/", "Oversikt", "editor"),
    ("/admin/topics", "Svar", "editor"),
    ("/admin/missed", "Det Kari ikkje fann", "editor"),
    ("/admin/history", "Historikk", "editor"),
    ("/admin/stats", "Statistikk", "editor"),
    ("/admin/intents", "Intensjonar", "trainer"),
    ("/admin/training", "Tren og sjekk", "trainer"),
    ("/admin/staff", "Brukarar", "admin"),
]
env.globals.update(
    ROLE_NAMES=ROLE_NAMES, ASPECT_NAMES=ASPECT_NAMES, KIND_NAMES=KIND_NAMES, ASPECTS=ASPECTS, allows=accounts.allows
)

bp = Blueprint("kari_admin", url_prefix="/admin")
Handler = Callable[..., Awaitable[HTTPResponse]]


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTTPResponse:
    login = getattr(request.ctx, "login", None)
    nav = [(href, label) for href, label, role in NAV if login and accounts.allows(login.role, role)]
    done = DONE.get(request.args.get("done", "")) if request.method == "GET" else None
    page = env.get_template(template).render(login=login, nav=nav, path=request.path, done=done, **context)
    return html(page, status=status, headers={"Cache-Control": "no-store"})


def back(url: str, done: str, anchor: str = "") -> HTTPResponse:
    sep = "&" if "?" in url else "?"
    return redirect(f"{url}{sep}done={done}{'#' + anchor if anchor else ''}")


def problem(request: Request, status: int, title: str, text: str) -> HTTPResponse:
    return render(request, "problem.html", status=status, title=title, text=text)


def staff_only(role: str = "editor") -> Callable[[Handler], Handler]:
    """Require a session with at least `role`, and the CSRF token on every POST."""

    def wrap(handler: Handler) -> Handler:
        @wraps(handler)
        async def run(request: Request, **kwargs: Any) -> HTTPResponse:
            request.ctx.login = None
            try:
                with session_scope() as db:
                    login = accounts.resume(db, request.cookies.get(COOKIE))
            except (KnowledgeBaseUnavailable, SQLAlchemyError) as exc:
                return _unavailable(request, exc)
            if login is None:
                if request.method == "GET":
                    return redirect("/admin/login?" + urlencode({"next": request.path}))
                return problem(request, 401, "Ikkje innlogga", "Økta di er ute. Logg inn att og prøv på nytt.")
            request.ctx.login = login
            if request.method == "POST" and not hmac.compare_digest(
                (request.form.get("csrf") if request.form else "") or "", login.csrf
            ):
                return problem(request, 403, "Skjemaet er for gammalt", "Last sida på nytt og prøv igjen.")
            if not accounts.allows(login.role, role):
                return problem(request, 403, "Ikkje tilgang", f"Denne sida krev rolla {ROLE_NAMES[role]} eller meir.")
            try:
                return await handler(request, **kwargs)
            except (KnowledgeBaseUnavailable, SQLAlchemyError) as exc:
                return _unavailable(request, exc)

        return run

    return wrap


def _unavailable(request: Request, exc: Exception) -> HTTPResponse:
    detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return problem(request, 503, "Kunnskapsbasen er ikkje tilgjengeleg", detail[:300])


def form(request: Request, name: str) -> str:
    return (request.form.get(name) if request.form else "") or ""


# ------------------------------------------------------------------------------ log-in


@bp.get("/static/admin.css")
async def css(request: Request) -> HTTPResponse:
    return await file_response(str(HERE / "static" / "admin.css"), mime_type="text/css")


def _login_page(request: Request, status: int = 200, error: str = "", name: str = "") -> HTTPResponse:
    token = secrets.token_urlsafe(24)
    nxt = request.args.get("next", "") if request.method == "GET" else form(request, "next")
    response = render(request, "login.html", status=status, error=error, name=name, csrf=token, next=_safe_next(nxt))
    _cookie(request, response, LOGIN_COOKIE, token, max_age=3600)
    return response


def _safe_next(value: str) -> str:
    return value if value.startswith("/admin") and "//" not in value and "\\" not in value else "/admin/"


def _cookie(request: Request, response: HTTPResponse, name: str, value: str, max_age: int) -> None:
    response.cookies[name] = value
    response.cookies[name]["httponly"] = True
    response.cookies[name]["samesite"] = "Strict"
    response.cookies[name]["path"] = "/admin"
    response.cookies[name]["max-age"] = max_age
    if request.scheme == "https":
        response.cookies[name]["secure"] = True


@bp.get("/login")
async def login_form(request: Request) -> HTTPResponse:
    request.ctx.login = None
    return _login_page(request)


@bp.post("/login")
async def login(request: Request) -> HTTPResponse:
    request.ctx.login = None
    expected = request.cookies.get(LOGIN_COOKIE) or ""
    if not expected or not hmac.compare_digest(form(request, "csrf"), expected):
        return _login_page(request, 403, "Skjemaet var for gammalt. Prøv igjen.")
    name, password = form(request, "name"), form(request, "password")

    def check() -> tuple[str, str]:
        with session_scope() as db:
            staff, message = accounts.authenticate(db, name, password)
            return (accounts.start_session(db, staff), "") if staff else ("", message)

    try:
        token, message = await asyncio.get_running_loop().run_in_executor(None, check)
    except (KnowledgeBaseUnavailable, SQLAlchemyError) as exc:
        return _unavailable(request, exc)
    if not token:
        return _login_page(request, 401, message, name)
    response = redirect(_safe_next(form(request, "next")))
    _cookie(request, response, COOKIE, token, max_age=accounts.MAX_HOURS * 3600)
    _cookie(request, response, LOGIN_COOKIE, "", max_age=0)  # used up
    return response


@bp.post("/logout")
@staff_only()
async def logout(request: Request) -> HTTPResponse:
    with session_scope() as db:
        accounts.end_session(db, request.cookies.get(COOKIE))
    response = redirect("/admin/login")
    _cookie(request, response, COOKIE, "", max_age=0)
    return response


# ------------------------------------------------------------------------------ answers


@bp.get("/")
@staff_only()
async def home(request: Request) -> HTTPResponse:
    with session_scope() as db:
        topics = edits.find_topics(db)
        counts = {
            "topics": len(topics),
            "unchecked": sum(edits.topic_marks(t).unchecked for t in topics),
            "untranslated": sum(edits.topic_marks(t).untranslated for t in topics),
            "flagged": sum(edits.topic_marks(t).flagged for t in topics),
        }
        pending = unexported_changes(db)
    return render(request, "home.html", counts=counts, pending=pending)


@bp.get("/topics")
@staff_only()
async def topics(request: Request) -> HTTPResponse:
    q, kind, mark = request.args.get("q", ""), request.args.get("kind", ""), request.args.get("mark", "")
    with session_scope() as db:
        rows = [(t, edits.topic_marks(t)) for t in edits.find_topics(db, q, kind, mark)]
        return render(request, "topics.html", rows=rows, q=q, kind=kind, mark=mark)


@bp.get("/topics/new")
@staff_only()
async def topic_new_form(request: Request) -> HTTPResponse:
    return render(request, "topic_new.html", values={}, error="")


@bp.post("/topics/new")
@staff_only()
async def topic_new(request: Request) -> HTTPResponse:
    values = {k: form(request, k) for k in ("key", "kind", "name_nn", "name_nb")}
    try:
        with session_scope() as db:
            edits.create_topic(db, request.ctx.login.name, **values)
    except edits.EditError as exc:
        return render(request, "topic_new.html", status=400, values=values, error=str(exc))
    return back(f"/admin/topics/{quote(values['key'].strip().lower())}", "created")


def _topic_page(request: Request, key: str, status: int = 200, error: str = "", where: str = "") -> HTTPResponse:
    with session_scope() as db:
        try:
            topic = edits.get_topic(db, key)
        except edits.EditError as exc:
            return problem(request, 404, "Fann ikkje emnet", str(exc))
        answers = {a.aspect: (a, edits.marks(a)) for a in topic.answers}
        return render(
            request,
            "topic.html",
            status=status,
            topic=topic,
            answers=answers,
            examples=edits.examples(db, topic),
            changes=edits.history(db, topic.key, limit=30),
            error=error,
            where=where,
        )


@bp.get("/topics/<key>")
@staff_only()
async def topic(request: Request, key: str) -> HTTPResponse:
    return _topic_page(request, key)


@bp.post("/topics/<key>")
@staff_only()
async def topic_save(request: Request, key: str) -> HTTPResponse:
    try:
        with session_scope() as db:
            values = {k: form(request, k) for k in edits.TOPIC_FIELDS if k in (request.form or {})}
            edits.save_topic(db, request.ctx.login.name, key, values)
    except edits.EditError as exc:
        return _topic_page(request, key, 400, str(exc), "topic")
    return back(f"/admin/topics/{quote(key)}", "saved")


@bp.post("/topics/<key>/retire")
@staff_only()
async def topic_retire(request: Request, key: str) -> HTTPResponse:
    try:
        with session_scope() as db:
            edits.retire_topic(db, request.ctx.login.name, key)
    except edits.EditError as exc:
        return _topic_page(request, key, 400, str(exc), "topic")
    return back("/admin/topics", "retired")


@bp.post("/topics/<key>/answers/<aspect>")
@staff_only()
async def answer_save(request: Request, key: str, aspect: str) -> HTTPResponse:
    # Only the fields the form sent: a field left out is left as it is.
    values = {k: form(request, k) for k in edits.ANSWER_FIELDS if k != "verified" and k in (request.form or {})}
    if form(request, "verified_today"):
        values["verified"] = dt.date.today().isoformat()
    try:
        with session_scope() as db:
            edits.save_answer(db, request.ctx.login.name, key, aspect, values)
    except edits.EditError as exc:
        return _topic_page(request, key, 400, str(exc), aspect)
    return back(f"/admin/topics/{quote(key)}", "saved", f"answer-{aspect}")


@bp.post("/topics/<key>/answers/<aspect>/examples")
@staff_only()
async def example_add(request: Request, key: str, aspect: str) -> HTTPResponse:
    try:
        with session_scope() as db:
            edits.add_example(db, request.ctx.login.name, key, aspect, form(request, "malform"), form(request, "text"))
    except edits.EditError as exc:
        return _topic_page(request, key, 400, str(exc), aspect)
    return back(f"/admin/topics/{quote(key)}", "example", f"answer-{aspect}")


@bp.post("/examples/<example_id:int>/delete")
@staff_only()
async def example_delete(request: Request, example_id: int) -> HTTPResponse:
    try:
        with session_scope() as db:
            change = edits.remove_example(db, request.ctx.login.name, example_id)
            key, _, aspect = change.target.partition("/")
    except edits.EditError as exc:
        return problem(request, 404, "Fann ikkje spørsmålet", str(exc))
    return back(f"/admin/topics/{quote(key)}", "removed", f"answer-{aspect}")


# ------------------------------------------------------------------------------ history


@bp.get("/history")
@staff_only()
async def history(request: Request) -> HTTPResponse:
    with session_scope() as db:
        changes = edits.history(db, request.args.get("target", ""))
        return render(request, "history.html", changes=changes, error="")


@bp.post("/history/<change_id:int>/revert")
@staff_only()
async def revert(request: Request, change_id: int) -> HTTPResponse:
    try:
        with session_scope() as db:
            edits.revert(db, request.ctx.login.name, change_id)
    except edits.EditError as exc:
        with session_scope() as db:
            return render(request, "history.html", status=400, changes=edits.history(db), error=str(exc))
    return back("/admin/history", "reverted")


# ------------------------------------------------------------------------------ accounts


@bp.get("/staff")
@staff_only("admin")
async def staff_list(request: Request) -> HTTPResponse:
    return _staff_page(request)


def _staff_page(request: Request, status: int = 200, error: str = "") -> HTTPResponse:
    with session_scope() as db:
        people = accounts.list_staff(db)
        return render(request, "staff.html", status=status, people=people, error=error, now=accounts.now())


@bp.post("/staff")
@staff_only("admin")
async def staff_add(request: Request) -> HTTPResponse:
    try:
        with session_scope() as db:
            accounts.add_staff(db, form(request, "name"), form(request, "role"), form(request, "password"))
    except accounts.AccountError as exc:
        return _staff_page(request, 400, str(exc))
    return back("/admin/staff", "staff")


@bp.post("/staff/<name>/unlock")
@staff_only("admin")
async def staff_unlock(request: Request, name: str) -> HTTPResponse:
    try:
        with session_scope() as db:
            accounts.unlock(db, name)
    except accounts.AccountError as exc:
        return _staff_page(request, 400, str(exc))
    return back("/admin/staff", "unlocked")


# ------------------------------------------------------------------------------ what Kari missed


def _answer_choices(db) -> list[tuple[str, str]]:
    """(value "key/aspect", label) of every answer, for the attach form."""
    rows = []
    for t in edits.find_topics(db):
        for a in sorted(t.answers, key=lambda a: ASPECTS.index(a.aspect)):
            rows.append((f"{t.key}/{a.aspect}", f"{t.name_nn} – {ASPECT_NAMES[a.aspect]}"))
    return rows


def _missed_page(request: Request, status: int = 200, error: str = "") -> HTTPResponse:
    from kari.admin import intents, missed

    groups = missed.group(missed.read_misses())
    with session_scope() as db:
        choices = _answer_choices(db)
    return render(
        request,
        "missed.html",
        status=status,
        groups=groups,
        reasons=missed.REASONS,
        choices=choices,
        intent_names=intents.domain_intents(),
        error=error,
    )


@bp.get("/missed")
@staff_only()
async def missed_report(request: Request) -> HTTPResponse:
    return _missed_page(request)


@bp.post("/missed/attach")
@staff_only()
async def missed_attach(request: Request) -> HTTPResponse:
    key, _, aspect = form(request, "answer").partition("/")
    try:
        with session_scope() as db:
            edits.add_example(db, request.ctx.login.name, key, aspect, form(request, "malform"), form(request, "text"))
    except edits.EditError as exc:
        return _missed_page(request, 400, str(exc))
    return back("/admin/missed", "attached")


@bp.post("/missed/train")
@staff_only("trainer")
async def missed_train(request: Request) -> HTTPResponse:
    from kari.admin import intents

    try:
        intents.add_example(form(request, "intent"), form(request, "malform"), form(request, "text"))
    except intents.IntentError as exc:
        return _missed_page(request, 400, str(exc))
    return back("/admin/missed", "trained")


# ------------------------------------------------------------------------------ intents


@bp.get("/intents")
@staff_only("trainer")
async def intent_list(request: Request) -> HTTPResponse:
    from kari.admin import intents

    return render(request, "intents.html", intents=intents.read())


@bp.post("/intents")
@staff_only("trainer")
async def intent_create(request: Request) -> HTTPResponse:
    from kari.admin import intents

    try:
        name = intents.create_intent(form(request, "name"), {m: form(request, f"examples_{m}") for m in ("nn", "nb")})
    except intents.IntentError as exc:
        return render(request, "intents.html", status=400, intents=intents.read(), error=str(exc), sent=request.form)
    return back(f"/admin/intents/{quote(name)}", "intent")


@bp.post("/intents/<name>/remove")
@staff_only("trainer")
async def intent_delete(request: Request, name: str) -> HTTPResponse:
    from kari.admin import intents

    try:
        intents.remove_intent(name)
    except intents.IntentError as exc:
        return _intent_page(request, name, 400, str(exc))
    return back("/admin/intents", "intent_removed")


def _intent_page(request: Request, name: str, status: int = 200, error: str = "") -> HTTPResponse:
    from kari.admin import intents

    found = intents.read().get(name)
    if found is None:
        return problem(request, 404, "Fann ikkje intensjonen", f"Det finst ingen intensjon som heiter «{name}».")
    return render(request, "intent.html", status=status, intent=found, error=error)


@bp.get("/intents/<name>")
@staff_only("trainer")
async def intent_page(request: Request, name: str) -> HTTPResponse:
    return _intent_page(request, name)


@bp.post("/intents/<name>/examples")
@staff_only("trainer")
async def intent_add(request: Request, name: str) -> HTTPResponse:
    from kari.admin import intents

    try:
        intents.add_example(name, form(request, "malform"), form(request, "text"))
    except intents.IntentError as exc:
        return _intent_page(request, name, 400, str(exc))
    return back(f"/admin/intents/{quote(name)}", "trained")


@bp.post("/intents/<name>/examples/edit")
@staff_only("trainer")
async def intent_edit(request: Request, name: str) -> HTTPResponse:
    from kari.admin import intents

    try:
        if form(request, "remove"):
            intents.remove_example(name, form(request, "malform"), form(request, "old"))
            return back(f"/admin/intents/{quote(name)}", "removed")
        intents.edit_example(name, form(request, "malform"), form(request, "old"), form(request, "text"))
    except intents.IntentError as exc:
        return _intent_page(request, name, 400, str(exc))
    return back(f"/admin/intents/{quote(name)}", "trained")


@bp.post("/intents/<name>/examples/delete")
@staff_only("trainer")
async def intent_remove(request: Request, name: str) -> HTTPResponse:
    from kari.admin import intents

    try:
        intents.remove_example(name, form(request, "malform"), form(request, "text"))
    except intents.IntentError as exc:
        return _intent_page(request, name, 400, str(exc))
    return back(f"/admin/intents/{quote(name)}", "removed")


# ------------------------------------------------------------------------------ statistics


@bp.get("/stats")
@staff_only()
async def stats_page(request: Request) -> HTTPResponse:
    from kari.admin import stats

    with session_scope() as db:
        figures = stats.collect(db)
    return render(request, "stats.html", figures=figures, bars=stats.bars)


# ------------------------------------------------------------------------------ train and check


@bp.get("/training")
@staff_only("trainer")
async def training_page(request: Request) -> HTTPResponse:
    from kari.admin import training

    return _training_page(request, live=await asyncio.to_thread(training.live_model_note, _rasa_url(request)))


def _training_page(request: Request, status: int = 200, error: str = "", live: str = "") -> HTTPResponse:
    from kari.admin import training

    return render(
        request,
        "training.html",
        status=status,
        state=training.read_state(),
        running=training.running(),
        previous=training.PREVIOUS.exists(),
        steps=training.STEPS,
        error=error,
        live=live,
    )


@bp.post("/training/start")
@staff_only("trainer")
async def training_start(request: Request) -> HTTPResponse:
    from kari.admin import training

    try:
        training.start(request.ctx.login.name, _rasa_url(request))
    except ValueError as exc:
        return _training_page(request, 409, str(exc))
    return back("/admin/training", "training")


def _rasa_url(request: Request) -> str | None:
    return getattr(request.app.ctx, "rasa_url", None)


@bp.post("/training/restore")
@staff_only("trainer")
async def training_restore(request: Request) -> HTTPResponse:
    from kari.admin import training

    try:
        training.start(request.ctx.login.name, _rasa_url(request), restore=True)
    except ValueError as exc:
        return _training_page(request, 409 if training.running() else 400, str(exc))
    return back("/admin/training", "restored")
