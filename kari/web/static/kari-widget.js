/* Kommune-Kari chat widget. Add it to a page with one tag:
 *   <script src="https://…/static/kari-widget.js" data-server="https://…" defer></script>
 * No dependencies, no inline styles or scripts (works under a strict CSP), no cookies.
 * Bot and user text is only ever inserted as text; links are built with DOM APIs. */
(function () {
  "use strict";
  var me = document.currentScript;
  if (!me || document.getElementById("kari-root")) return;

  var T = {
    nn: {
      open: "Spør Kari", title: "Kari – chat med Ålesund kommune", close: "Lukk chatten",
      reset: "Ny samtale", label: "Skriv spørsmålet ditt", send: "Send", log: "Samtale",
      intro: "Hei! Eg er Kari, ein chatbot for Ålesund kommune. Spør meg om tenester, samarbeid og prosjekt. Ikkje skriv personopplysningar som fødselsnummer eller helseopplysningar.",
      you: "Du:", bot: "Kari:", typing: "Kari skriv …",
      slow: "Det tek litt tid … Vent litt, eg prøver framleis.",
      down: "Eg får ikkje kontakt med tenesta akkurat no. Prøv igjen om litt, eller ring 70 16 20 00.",
      error: "Noko gjekk gale hos oss. Prøv igjen om litt, eller ring 70 16 20 00.",
      empty: "Eg fann ikkje noko svar på det. Prøv å spørje på ein annan måte, eller ring 70 16 20 00.",
      tab: " (opnar i ny fane)",
      choose: "Kari svarar på"
    },
    nb: {
      open: "Spør Kari", title: "Kari – chat med Ålesund kommune", close: "Lukk chatten",
      reset: "Ny samtale", label: "Skriv spørsmålet ditt", send: "Send", log: "Samtale",
      intro: "Hei! Jeg er Kari, en chatbot for Ålesund kommune. Spør meg om tjenester, samarbeid og prosjekter. Ikke skriv personopplysninger som fødselsnummer eller helseopplysninger.",
      you: "Du:", bot: "Kari:", typing: "Kari skriver …",
      slow: "Det tar litt tid … Vent litt, jeg prøver fortsatt.",
      down: "Jeg får ikke kontakt med tjenesten akkurat nå. Prøv igjen om litt, eller ring 70 16 20 00.",
      error: "Noe gikk galt hos oss. Prøv igjen om litt, eller ring 70 16 20 00.",
      empty: "Jeg fant ikke noe svar på det. Prøv å spørre på en annen måte, eller ring 70 16 20 00.",
      tab: " (åpner i ny fane)",
      choose: "Kari svarer på"
    }
  };
  var lang = /^(nb|no)(-|$)/i.test(document.documentElement.lang || "") ? "nb" : "nn";
  var t = T[lang];
  var server = (me.getAttribute("data-server") || new URL(me.src, location.href).origin).replace(/\/+$/, "");
  var endpoint = server + "/webhooks/kari/webhook";
  var SLOW_MS = 5000, GIVE_UP_MS = 30000, KEY = "kari.v1";

  // sessionStorage may be unavailable (privacy modes); fall back to memory for this page view.
  var memory = {};
  function load() {
    try {
      var v = JSON.parse(sessionStorage.getItem(KEY));
      return v && typeof v === "object" ? v : {};
    } catch (e) { return memory; }
  }
  function save() {
    memory = state;
    try { sessionStorage.setItem(KEY, JSON.stringify(state)); } catch (e) { /* memory only */ }
  }
  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16)), h = "";
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    for (var i = 0; i < 16; i++) h += (b[i] + 256).toString(16).slice(1) + ([3, 5, 7, 9].indexOf(i) >= 0 ? "-" : "");
    return h;
  }
  var state = load();
  if (typeof state.sender !== "string" || !state.sender) { state.sender = uuid(); state.log = []; }
  state.log = (Array.isArray(state.log) ? state.log : []).filter(function (m) { return m && typeof m === "object"; });
  if (state.malform !== "nn" && state.malform !== "nb") delete state.malform;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }

  // Linking: markdown [label](http…), http(s) URLs, mailto:/tel:, e-mail addresses, Norwegian phone numbers.
  var LINK = /\[([^\]\n]{1,200})\]\((https?:\/\/[^\s()<>"']+)\)|(https?:\/\/[^\s<>"']+)|(\b(?:mailto|tel):[^\s<>"']+)|([\w.%+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,})|((?:\+47[ \u00a0]?)?(?<![\d+])\d{2}(?:[ \u00a0]?\d{2}){3}(?!\d)|\b11[0-3]\b|\b116[ \u00a0]?117\b)/gi;
  function safeHref(href) {
    try {
      var u = new URL(href);
      return /^(https?|mailto|tel):$/.test(u.protocol) ? u.href : null;
    } catch (e) { return null; }
  }
  function appendLinked(parent, text) {
    var m, last = 0;
    LINK.lastIndex = 0;
    while ((m = LINK.exec(text))) {
      var label = m[0], href = null, trail = "";
      if (m[1]) { label = m[1]; href = m[2]; }
      else if (m[3]) {
        // Leave sentence punctuation (and an unmatched closing bracket) outside the link.
        var u = m[3], c;
        while ((c = u.slice(-1)) && /[.,;:!?'")\]]/.test(c) && !(c === ")" && u.split("(").length >= u.split(")").length)) {
          trail = c + trail; u = u.slice(0, -1);
        }
        label = href = u;
      }
      else if (m[4]) { href = m[4].replace(/[.,;:!?)]+$/, ""); label = href; trail = m[4].slice(href.length); }
      else if (m[5]) href = "mailto:" + m[5];
      else if (m[6]) {
        var d = m[6].replace(/[^\d+]/g, "");
        href = "tel:" + (d.length === 8 ? "+47" + d : d);
      }
      parent.appendChild(document.createTextNode(text.slice(last, m.index)));
      last = m.index + m[0].length;
      var safe = safeHref(href);
      if (!safe) { parent.appendChild(document.createTextNode(m[0])); continue; }
      var a = el("a", null, label);
      a.href = safe;
      if (/^https?:/.test(safe)) {
        a.target = "_blank";
        a.rel = "noopener noreferrer";
        a.appendChild(el("span", "kari-sr", t.tab));
      }
      parent.appendChild(a);
      if (trail) parent.appendChild(document.createTextNode(trail));
    }
    parent.appendChild(document.createTextNode(text.slice(last)));
  }

  // --- DOM ---
  var root = el("aside", "kari");
  root.id = "kari-root";
  root.setAttribute("aria-label", t.title);
  root.hidden = true; // shown once our stylesheet has loaded, to avoid a flash of unstyled content
  var launcher = el("button", "kari-launch", t.open);
  launcher.type = "button";
  launcher.setAttribute("aria-expanded", "false");
  launcher.setAttribute("aria-controls", "kari-panel");
  var panel = el("div", "kari-panel");
  panel.id = "kari-panel";
  panel.hidden = true;
  panel.setAttribute("role", "dialog");
  panel.setAttribute("aria-modal", "false");
  panel.setAttribute("aria-labelledby", "kari-title");
  var head = el("div", "kari-head");
  var title = el("h2", "kari-title", t.title);
  title.id = "kari-title";
  var resetBtn = el("button", "kari-reset", t.reset);
  resetBtn.type = "button";
  var closeBtn = el("button", "kari-close");
  closeBtn.type = "button";
  closeBtn.setAttribute("aria-label", t.close);
  closeBtn.appendChild(el("span", null, "\u00d7")).setAttribute("aria-hidden", "true");
  var tools = el("div", "kari-tools");
  tools.append(resetBtn, closeBtn);
  head.append(title, tools);
  var log = el("div", "kari-log");
  log.setAttribute("role", "log");
  log.setAttribute("aria-live", "polite");
  log.setAttribute("aria-label", t.log);
  log.tabIndex = 0; // scrollable region must be reachable by keyboard
  var status = el("div", "kari-status");
  status.setAttribute("role", "status");
  var form = el("form", "kari-form");
  var label = el("label", "kari-sr", t.label);
  label.htmlFor = "kari-input";
  var input = el("input", "kari-input");
  input.id = "kari-input";
  input.type = "text";
  input.autocomplete = "off";
  input.maxLength = 1000; // the Kari channel takes up to 1000 characters
  var sendBtn = el("button", "kari-send", t.send);
  sendBtn.type = "submit";
  form.append(label, input, sendBtn);
  // Written-standard switch (issue 18): a pressed button sends {"malform": "nn"|"nb"} with every
  // message of this conversation, so Kari answers in it whatever the text looks like.
  var switchBox = el("div", "kari-malform");
  switchBox.setAttribute("role", "group");
  switchBox.id = "kari-malform";
  var switchLabel = el("span", "kari-malform-label", t.choose);
  switchLabel.id = "kari-malform-label";
  switchBox.setAttribute("aria-labelledby", "kari-malform-label");
  switchBox.appendChild(switchLabel);
  var malformBtns = [["nb", "Bokmål"], ["nn", "Nynorsk"]].map(function (o) {
    var b = el("button", "kari-malform-btn", o[1]);
    b.type = "button";
    b.lang = o[0];
    b.setAttribute("data-malform", o[0]);
    b.addEventListener("click", function () { choose(o[0]); });
    switchBox.appendChild(b);
    return b;
  });
  function showChoice() {
    malformBtns.forEach(function (b) {
      b.setAttribute("aria-pressed", String(b.getAttribute("data-malform") === state.malform));
    });
  }
  function choose(m) {
    state.malform = m;
    save();
    showChoice();
  }
  showChoice();
  var intro = el("p", "kari-intro", t.intro);
  panel.append(head, log, status, form, switchBox); // after the form: Shift+Tab from the input still reaches the quick replies
  root.append(launcher, panel);

  function render(msg, withButtons) {
    var who = msg.from, box = el("div", "kari-msg kari-" + who);
    if (who !== "sys") box.appendChild(el("span", "kari-sr", (who === "user" ? t.you : t.bot) + " "));
    if (who === "bot") appendLinked(box, msg.text || "");
    else box.appendChild(document.createTextNode(msg.text || ""));
    if (msg.text) log.appendChild(box);
    if (withButtons && msg.buttons && msg.buttons.length) {
      var group = el("div", "kari-choices");
      msg.buttons.forEach(function (b) {
        if (!b || !b.title) return;
        var btn = el("button", "kari-choice", String(b.title));
        btn.type = "button";
        btn.addEventListener("click", function () {
          send(String(b.payload || b.title), String(b.title));
          input.focus(); // the button is gone now; keep keyboard focus in the chat
        });
        group.appendChild(btn);
      });
      log.appendChild(group);
    }
    log.scrollTop = log.scrollHeight;
  }
  function renderAll() {
    log.textContent = "";
    log.appendChild(intro);
    // Quick replies stay offered only until the user says something.
    var lastUser = -1;
    state.log.forEach(function (m, i) { if (m.from === "user") lastUser = i; });
    state.log.forEach(function (m, i) { render(m, i > lastUser); });
  }
  function dropChoices() {
    Array.prototype.forEach.call(log.querySelectorAll(".kari-choices"), function (g) { g.remove(); });
  }
  function add(msg, keep) {
    if (keep) { state.log.push(msg); save(); }
    if (msg.from === "user") dropChoices();
    render(msg, true);
  }

  // --- talking to the server ---
  var busy = false, generation = 0, typing = el("span", "kari-typing", t.typing);
  function setStatus(node) {
    status.textContent = "";
    if (node) status.appendChild(node);
  }
  function send(payload, shown) {
    if (busy || !payload.trim()) return;
    busy = true;
    var gen = generation;
    add({ from: "user", text: shown }, true);
    setStatus(typing);
    var ctrl = window.AbortController ? new AbortController() : null;
    var slow = setTimeout(function () { setStatus(el("span", "kari-slow", t.slow)); }, SLOW_MS);
    var stop = setTimeout(function () { if (ctrl) ctrl.abort(); }, GIVE_UP_MS);
    function done(replies, problem) {
      clearTimeout(slow); clearTimeout(stop);
      if (gen !== generation) return; // the conversation was reset meanwhile
      busy = false;
      setStatus(null);
      if (problem) return add({ from: "sys", text: t[problem] }, false);
      var shownAny = false;
      replies.forEach(function (r) {
        if (!r || typeof r !== "object") return;
        var text = typeof r.text === "string" ? r.text : "";
        var buttons = Array.isArray(r.buttons) ? r.buttons : [];
        if (!text && !buttons.length) return;
        add({ from: "bot", text: text, buttons: buttons }, true);
        shownAny = true;
      });
      if (!shownAny) add({ from: "sys", text: t.empty }, false);
    }
    fetch(endpoint, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(state.malform ? { sender: state.sender, message: payload, malform: state.malform }
        : { sender: state.sender, message: payload }),
      credentials: "omit",
      signal: ctrl ? ctrl.signal : undefined
    }).then(function (res) {
      if (!res.ok) return done(null, res.status === 502 || res.status === 503 || res.status === 504 ? "down" : "error");
      return res.json().then(function (data) {
        done(Array.isArray(data) ? data : [], null);
      }, function () { done(null, "error"); });
    }, function () { done(null, "down"); });
  }

  // --- behaviour ---
  function open(focus) {
    panel.hidden = false;
    launcher.hidden = true;
    launcher.setAttribute("aria-expanded", "true");
    state.open = true; save();
    log.scrollTop = log.scrollHeight;
    if (focus) input.focus();
  }
  function close() {
    panel.hidden = true;
    launcher.hidden = false;
    launcher.setAttribute("aria-expanded", "false");
    state.open = false; save();
    launcher.focus();
  }
  launcher.addEventListener("click", function () { open(true); });
  closeBtn.addEventListener("click", close);
  panel.addEventListener("keydown", function (e) {
    if (e.key === "Escape" || e.key === "Esc") { e.preventDefault(); close(); }
  });
  resetBtn.addEventListener("click", function () {
    generation++;
    busy = false;
    setStatus(null);
    state = { sender: uuid(), log: [], open: true };
    save();
    showChoice();
    renderAll();
    input.focus();
  });
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var text = input.value.trim();
    if (!text || busy) return;
    input.value = "";
    send(text, text);
  });

  var css = el("link");
  css.rel = "stylesheet";
  css.href = new URL("kari-widget.css", me.src).href;
  css.onload = css.onerror = function () { root.hidden = false; };
  function start() {
    document.head.appendChild(css);
    document.body.appendChild(root);
    renderAll();
    if (state.open) open(false);
  }
  // Works with defer (the usual way) and without it, e.g. when put in <head>.
  if (document.body) start(); else document.addEventListener("DOMContentLoaded", start);
})();
