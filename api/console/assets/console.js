// floorwatch live desk. Plain script, no framework: it asks for the
// supervisor's token, then polls the API (every second, one round at a
// time) and updates the page in place, so rows keep their place, focus
// stays where it was and nothing jumps. The token lives in this tab's
// session storage and is sent only in the Authorization header.
"use strict";

(() => {
  const POLL_MS = 1000;
  const TOKEN_KEY = "floorwatch.token";
  const LIST_STEP = 100;
  const LIST_MAX = 500;
  const LISTS = ["current", "queued", "to_recover", "expired"];
  const LIST_NAMES = { current: "Current cases", queued: "Queued cases", to_recover: "Cases to recover", expired: "Expired cases" };
  const WAIT_HEAD = { current: "Support for", queued: "In queue", to_recover: "Customer waits", expired: "Customer waits" };
  const MANAGEMENT = { awaiting_first_response: "Awaiting first response", customer_waiting: "Customer waiting", answered: "Answered" };
  const REASONS = { outside_business_hours: "Outside business hours", operator_unavailable: "Operator unavailable", unanswered: "Unanswered" };
  const RISKS = { service_level: "Service level", unanswered: "Unanswered", window: "Window ends" };
  const CHANNELS = { whatsapp: "WhatsApp", messenger: "Messenger", instagram: "Instagram", x: "X" };
  const METRICS = {
    queue_length: "Queued", oldest_wait: "Oldest wait", at_risk_cases: "At risk", to_recover_cases: "To recover",
    expired_cases: "Expired", service_level_30m: "Service level (30 min)", operators_available: "Operators available",
  };

  const $ = (sel) => document.querySelector(sel);
  const state = {
    token: null,
    me: null,
    list: "current",
    filters: { channel: "", interaction_type: "", team: "", operator: "" },
    limit: LIST_STEP,
    offset: 0, // server clock minus this browser's clock, ms
    asOf: null,
    lastOk: 0,
    failing: false,
    timer: null,
    round: 0,
    data: { alerts: null, risk: [], cases: [], operators: [], teams: [], report: null, next: null },
    seenTypes: new Set(["messaging"]),
    desk: "",
    alertsSeen: false, // a rule firing at sign-in is shown, not announced
  };

  // ---- time -------------------------------------------------------------

  const serverNow = () => Date.now() + state.offset;
  let fmtClock = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false });
  let fmtDay = new Intl.DateTimeFormat(undefined, { weekday: "long", day: "numeric", month: "long" });

  function setZone(tz) {
    try {
      fmtClock = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false, timeZone: tz });
      fmtDay = new Intl.DateTimeFormat(undefined, { weekday: "long", day: "numeric", month: "long", timeZone: tz });
    } catch (_) { /* an unknown zone keeps the browser's */ }
  }

  function duration(ms) {
    if (ms == null) return "—";
    const neg = ms < 0;
    let s = Math.floor(Math.abs(ms) / 1000);
    let out;
    if (s < 60) out = s + " s";
    else if (s < 3600) out = Math.floor(s / 60) + " min";
    else if (s < 86400) out = Math.floor(s / 3600) + " h " + String(Math.floor((s % 3600) / 60)).padStart(2, "0") + " min";
    else out = Math.floor(s / 86400) + " d " + Math.floor((s % 86400) / 3600) + " h";
    return neg ? "−" + out : out;
  }

  function countdown(ms) {
    if (ms <= 0) return "now";
    const s = Math.ceil(ms / 1000);
    if (s >= 3600) return duration(ms);
    return Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
  }

  const since = (t) => (t ? serverNow() - Date.parse(t) : null);
  const until = (t) => (t ? Date.parse(t) - serverNow() : null);

  // ---- API --------------------------------------------------------------

  class ApiError extends Error {
    constructor(status, body) {
      super((body && body.error) || "HTTP " + status);
      this.status = status;
      this.field = body && body.field;
    }
  }

  async function api(path, init = {}) {
    const headers = Object.assign({ Authorization: "Bearer " + state.token, Accept: "application/json" }, init.headers || {});
    const sent = Date.now();
    const resp = await fetch(path, Object.assign({}, init, { headers, cache: "no-store", credentials: "omit" }));
    const body = await resp.json().catch(() => null);
    if (resp.status === 401) {
      signOut("The token was refused. Enter a supervisor token.");
      throw new ApiError(401, body);
    }
    if (!resp.ok) throw new ApiError(resp.status, body);
    syncClock(resp, sent);
    return body;
  }

  // The server's Date header (whole seconds) keeps countdowns on the
  // server's clock when this machine's clock is off by more than that.
  function syncClock(resp, sent) {
    const d = Date.parse(resp.headers.get("Date") || "");
    if (Number.isNaN(d)) return;
    const mid = (sent + Date.now()) / 2;
    const offset = d + 500 - mid;
    if (Math.abs(offset - state.offset) > 1500) state.offset = offset;
  }

  function listQuery(list, limit) {
    const q = new URLSearchParams({ list, limit: String(limit) });
    for (const [k, v] of Object.entries(state.filters)) if (v) q.set(k, v);
    return "/api/v1/cases?" + q.toString();
  }

  // ---- sign in / out ----------------------------------------------------

  async function signIn(token) {
    state.token = token;
    state.me = await api("/api/v1/me");
    sessionStorage.setItem(TOKEN_KEY, token);
    state.offset = Date.parse(state.me.now) - Date.now();
    today.at = 0;
    state.data.report = null;
    setZone(state.me.time_zone);
    $("#who").textContent = state.me.supervisor + " · " + state.me.tenant + " · " + state.me.time_zone;
    $("#signin").hidden = true;
    $("#main").hidden = false;
    $("#signout").hidden = false;
    fillOptions($("#f-channel"), state.me.channels.map((c) => [c, CHANNELS[c] || c]));
    refreshFilterOptions();
    schedule(0);
  }

  function signOut(message) {
    sessionStorage.removeItem(TOKEN_KEY);
    state.token = null;
    state.me = null;
    state.data.alerts = null;
    state.alertsSeen = false;
    $("#alert-list").replaceChildren();
    clearTimeout(state.timer);
    state.timer = null;
    $("#main").hidden = true;
    $("#signout").hidden = true;
    $("#signin").hidden = false;
    $("#who").textContent = "";
    setFreshness("idle", "Not signed in");
    $("#signin-error").textContent = message || "";
    $("#token").value = "";
    $("#token").focus();
  }

  // ---- polling ----------------------------------------------------------

  function schedule(delay) {
    clearTimeout(state.timer);
    state.timer = setTimeout(poll, delay);
  }

  async function poll() {
    if (!state.token) return;
    const round = ++state.round;
    try {
      await refresh();
      state.failing = false;
      state.lastOk = Date.now();
    } catch (err) {
      if (!state.token) return;
      state.failing = err;
    }
    if (round === state.round && state.token) {
      renderFreshness();
      schedule(POLL_MS);
    }
  }

  // refresh reads the live panels (every round) and starts a refresh of
  // today's indicators when the desk changed: the report runs fourteen
  // queries over the day's conversations, so it is read when something
  // moved (at most every TODAY_MIN_MS) and at least every TODAY_MAX_MS,
  // in the background, never holding up the live panels.
  async function refresh() {
    if (serverNow() >= Date.parse(state.me.today.to)) state.me = await api("/api/v1/me");
    const [alerts, risk, list, operators, teams] = await Promise.all([
      api("/api/v1/alerts"),
      api(listQuery("at_risk", 100)),
      api(listQuery(state.list, state.limit)),
      api("/api/v1/operators"),
      api("/api/v1/teams"),
    ]);
    state.asOf = list.as_of;
    state.data = Object.assign(state.data, { alerts: alerts.rules, risk: risk.cases, cases: list.cases, next: list.next_cursor, operators: operators.operators, teams: teams.teams });
    for (const c of list.cases) state.seenTypes.add(c.interaction_type);
    state.desk = fingerprint();
    render();
    refreshToday(false);
  }

  const TODAY_MIN_MS = 2000;
  const TODAY_MAX_MS = 30000;
  const today = { at: 0, desk: null, busy: false };

  // fingerprint sums up what the live panels show, to notice a change.
  function fingerprint() {
    const d = state.data;
    return JSON.stringify([
      d.teams.map((t) => [t.team, t.open_cases, t.queued, t.active, t.to_recover, t.expired, t.first_responses_30m]),
      d.cases.map((c) => [c.conversation_id, c.status, c.team, c.operator, c.transfers, c.management_status]),
      d.risk.map((c) => c.conversation_id),
      d.operators.map((o) => [o.operator, o.open_cases, o.customers_waiting]),
    ]);
  }

  async function refreshToday(force) {
    const age = Date.now() - today.at;
    const changed = state.desk !== today.desk;
    if (today.busy || !state.token || !(force || age >= TODAY_MAX_MS || (changed && age >= TODAY_MIN_MS))) return;
    today.busy = true;
    today.at = Date.now();
    today.desk = state.desk;
    try {
      const to = new Date(Math.max(serverNow(), Date.parse(state.me.today.from) + 1)).toISOString();
      const report = await api("/api/v1/indicators?" + new URLSearchParams({ from: state.me.today.from, to }).toString());
      state.data.report = report;
      renderTiles();
    } catch (_) {
      today.at = 0; // try again next round
    } finally {
      today.busy = false;
    }
  }

  function setFreshness(kind, text) {
    const el = $("#freshness");
    el.dataset.state = kind;
    if (el.textContent !== text) el.textContent = text;
  }

  function renderFreshness() {
    if (!state.token) return;
    if (state.failing) {
      const msg = state.failing instanceof ApiError ? state.failing.message : "the server does not answer";
      setFreshness("down", "Not updating: " + msg + " (retrying)");
      return;
    }
    if (!state.asOf) {
      setFreshness("stale", "No data yet: the pipeline has not reported how far it is");
      return;
    }
    const lag = serverNow() - Date.parse(state.asOf);
    const text = "Data complete until " + fmtClock.format(new Date(state.asOf)) + ", " + duration(Math.max(0, lag)) + " ago";
    setFreshness(lag > 30000 ? "stale" : "ok", text);
  }

  // ---- rendering helpers ------------------------------------------------

  function setText(el, text) {
    if (el.textContent !== text) el.textContent = text;
  }

  function fillOptions(select, pairs) {
    const keep = select.value;
    const want = [["", "All"]].concat(pairs);
    const have = Array.from(select.options).map((o) => o.value + "\u0000" + o.textContent).join("\u0001");
    if (have === want.map((p) => p[0] + "\u0000" + p[1]).join("\u0001")) return;
    select.replaceChildren(...want.map(([v, t]) => new Option(t, v)));
    select.value = want.some((p) => p[0] === keep) ? keep : "";
  }

  function fillDatalist(el, values) {
    const text = values.join("\u0001");
    if (el.dataset.values === text) return;
    el.dataset.values = text;
    el.replaceChildren(...values.map((v) => new Option(v, v)));
  }

  // renderRows updates tbody to hold one row per item, in order, reusing
  // the rows of items it already shows, and restores the focus if moving a
  // row took it away.
  function renderRows(tbody, items, key, build, update, emptyText, columns) {
    const focused = document.activeElement;
    const existing = new Map();
    for (const tr of Array.from(tbody.children)) {
      if (tr.dataset.key) existing.set(tr.dataset.key, tr);
      else tr.remove();
    }
    let prev = null;
    const keep = new Set();
    for (const item of items) {
      const k = key(item);
      let tr = existing.get(k);
      if (!tr) {
        tr = build(item);
        tr.dataset.key = k;
      }
      update(tr, item);
      keep.add(k);
      const at = prev ? prev.nextSibling : tbody.firstChild;
      if (at !== tr) tbody.insertBefore(tr, at);
      prev = tr;
    }
    for (const [k, tr] of existing) if (!keep.has(k)) tr.remove();
    if (items.length === 0) {
      const tr = document.createElement("tr");
      tr.className = "empty";
      const td = document.createElement("td");
      td.colSpan = columns;
      td.textContent = emptyText;
      tr.append(td);
      tbody.append(tr);
    }
    if (focused && focused !== document.activeElement && document.contains(focused)) focused.focus({ preventScroll: true });
  }

  function cells(tr, n) {
    for (let i = 0; i < n; i++) tr.append(document.createElement("td"));
    return tr.children;
  }

  function customerCell(td, c) {
    const name = c.customer_name || c.customer_id;
    const idText = c.customer_name ? c.customer_id : "";
    if (td.dataset.v === name + "|" + idText) return;
    td.dataset.v = name + "|" + idText;
    td.replaceChildren(document.createTextNode(name));
    if (idText) {
      const s = document.createElement("span");
      s.className = "customer-id";
      s.textContent = idText;
      td.append(s);
    }
    td.title = c.customer_name ? c.customer_name + " (" + c.customer_id + ")" : c.customer_id;
  }

  function badge(td, cls, text) {
    if (td.dataset.v === cls + "|" + text) return;
    td.dataset.v = cls + "|" + text;
    const b = document.createElement("span");
    b.className = "badge " + cls;
    b.textContent = text;
    td.replaceChildren(b);
  }

  function actionButtons(td, c) {
    const canRecover = c.status === "to_recover";
    const sig = c.conversation_id + "|" + canRecover;
    if (td.dataset.v === sig) return;
    td.dataset.v = sig;
    td.className = "actions";
    const who = c.customer_name || c.customer_id;
    const transfer = document.createElement("button");
    transfer.type = "button";
    transfer.className = "small quiet transfer";
    transfer.textContent = "Transfer";
    transfer.setAttribute("aria-label", "Transfer the case of " + who);
    transfer.addEventListener("click", () => openAction("transfer", td.closest("tr").caseData, transfer));
    const buttons = [transfer];
    if (canRecover) {
      const recover = document.createElement("button");
      recover.type = "button";
      recover.className = "small recover";
      recover.textContent = "Recover";
      recover.setAttribute("aria-label", "Recover the case of " + who);
      recover.addEventListener("click", () => openAction("recover", td.closest("tr").caseData, recover));
      buttons.push(recover);
    }
    td.replaceChildren(...buttons);
  }

  // ---- rendering --------------------------------------------------------

  function render() {
    renderAlerts();
    renderRisk();
    renderTiles();
    renderCases();
    renderTeams();
    renderOperators();
    tickCases();
    refreshFilterOptions();
    renderCounts();
    renderFreshness();
  }

  // metricValue writes a value of an alert metric in its unit: a wait as
  // a duration, a share in percent, the others as counts.
  function metricValue(metric, v) {
    if (v == null) return "—";
    if (metric === "oldest_wait") return duration(v);
    if (metric === "service_level_30m") return Math.round(v * 1000) / 10 + " %";
    return String(Math.round(v));
  }

  // renderAlerts shows each firing rule in the strip above everything,
  // keyed by rule name so an entry keeps its place while it fires, and
  // announces the rules that started firing since the previous round.
  function renderAlerts() {
    const rules = state.data.alerts;
    if (!rules) return;
    const firing = rules.filter((r) => r.state === "firing");
    const strip = $("#alerts");
    strip.dataset.state = firing.length ? "firing" : "calm";
    setText($("#alerts-count"), String(firing.length));
    const calm = $("#alerts-calm");
    calm.hidden = firing.length > 0;
    setText(calm, rules.length ? "No alert firing (" + rules.length + (rules.length === 1 ? " rule" : " rules") + " watched)." : "No alert rule is configured for this tenant.");
    const list = $("#alert-list");
    list.hidden = firing.length === 0;
    const existing = new Map(Array.from(list.children, (li) => [li.dataset.rule, li]));
    const started = [];
    let prev = null;
    for (const r of firing) {
      let li = existing.get(r.name);
      if (!li) {
        li = document.createElement("li");
        li.dataset.rule = r.name;
        for (const cls of ["badge firing", "rule", "team", "value", "since"]) {
          const span = document.createElement("span");
          span.className = cls;
          li.append(span);
        }
        li.children[0].textContent = "Firing";
        if (state.alertsSeen) started.push(r.name);
      }
      existing.delete(r.name);
      const [, name, team, value, age] = li.children;
      setText(name, r.name);
      setText(team, r.team || "all teams");
      const limit = r.above != null ? "above " + metricValue(r.metric, r.above) : r.below != null ? "below " + metricValue(r.metric, r.below) : "";
      setText(value, (METRICS[r.metric] || r.metric) + " " + metricValue(r.metric, r.value) + (limit ? " (" + limit + ")" : ""));
      age.dataset.since = r.since || "";
      const at = prev ? prev.nextSibling : list.firstChild;
      if (at !== li) list.insertBefore(li, at);
      prev = li;
    }
    for (const li of existing.values()) li.remove();
    tickAlerts();
    if (started.length) announce("Alert firing: " + started.join(", ") + ".");
    state.alertsSeen = true;
  }

  function tickAlerts() {
    for (const el of document.querySelectorAll("#alert-list .since")) {
      setText(el, el.dataset.since ? "for " + duration(Math.max(0, since(el.dataset.since))) : "");
    }
  }

  function renderRisk() {
    const items = state.data.risk;
    setText($("#risk-count"), String(items.length));
    renderRows($("#risk-table tbody"), items, (c) => c.conversation_id,
      (c) => {
        const tr = document.createElement("tr");
        cells(tr, 7);
        return tr;
      },
      (tr, c) => {
        tr.caseData = c;
        tr.dataset.customer = c.customer_id;
        const td = tr.children;
        td[0].dataset.until = c.breach_at;
        td[0].className = "num breach";
        badge(td[1], c.risk, RISKS[c.risk] || c.risk);
        customerCell(td[2], c);
        setText(td[3], CHANNELS[c.channel] || c.channel);
        td[4].className = "team";
        setText(td[4], c.team || "—");
        setText(td[5], c.operator || "—");
        actionButtons(td[6], c);
      }, "Nothing about to cross a line.", 7);
    tickRisk();
  }

  function tickRisk() {
    for (const td of document.querySelectorAll("#risk-table td.breach")) {
      const left = until(td.dataset.until);
      setText(td, countdown(left));
      td.classList.toggle("soon", left < 120000);
    }
  }

  const TILES = [
    ["total", "Conversations"], ["queued", "Queued"], ["active", "Active"], ["to_recover", "To recover"],
    ["expired", "Expired"], ["attended", "Attended"], ["unattended", "Unattended"],
    ["pending_first_response", "Pending first response"], ["transferred", "Transferred"], ["closed", "Closed"],
    ["service_level", "Service level"], ["first_response", "First response (avg)"],
    ["first_response_p90", "First response (p90)"], ["reply", "Reply (avg)"], ["resolution", "Resolution (avg)"],
  ];

  function renderTiles() {
    const report = state.data.report;
    const seg = report && report.segments && report.segments[0];
    const dl = $("#tiles");
    if (!dl.children.length) {
      for (const [id, label] of TILES) {
        const div = document.createElement("div");
        div.className = "tile";
        div.id = "tile-" + id;
        const dt = document.createElement("dt");
        dt.textContent = label;
        const dd = document.createElement("dd");
        dd.className = "value";
        dd.textContent = "—";
        div.append(dt, dd);
        dl.append(div);
      }
    }
    const value = (id) => {
      if (!seg) return "—";
      switch (id) {
        case "service_level": return seg.service_level == null ? "—" : Math.round(seg.service_level * 1000) / 10 + " %";
        case "first_response": return duration(seg.first_response.avg_ms);
        case "first_response_p90": return duration(seg.first_response.p90_ms);
        case "reply": return duration(seg.reply.avg_ms);
        case "resolution": return duration(seg.resolution.avg_ms);
      }
      return String(seg[id]);
    };
    for (const [id] of TILES) setText($("#tile-" + id + " .value"), value(id));
    if (state.me) {
      setText($("#today-period"), fmtDay.format(new Date(state.me.today.from)) + " (" + state.me.time_zone + "), since midnight");
    }
  }

  function renderCases() {
    const list = state.list;
    setText($("#case-caption"), LIST_NAMES[list]);
    setText($("#wait-head"), WAIT_HEAD[list]);
    const items = state.data.cases;
    renderRows($("#case-table tbody"), items, (c) => c.conversation_id,
      (c) => {
        const tr = document.createElement("tr");
        cells(tr, 8);
        return tr;
      },
      (tr, c) => {
        tr.caseData = c;
        tr.dataset.customer = c.customer_id;
        tr.dataset.status = c.status;
        const td = tr.children;
        customerCell(td[0], c);
        setText(td[1], CHANNELS[c.channel] || c.channel);
        td[2].className = "team";
        setText(td[2], c.team || "—");
        td[3].className = "operator";
        setText(td[3], c.operator || "—");
        if (c.reason) badge(td[4], c.reason, REASONS[c.reason] || c.reason);
        else if (c.status === "expired") badge(td[4], "expired", "Window ended");
        else {
          td[4].dataset.v = "";
          setText(td[4], MANAGEMENT[c.management_status] || c.management_status);
        }
        td[5].className = "num age";
        td[5].dataset.since = (list === "queued" ? c.queued_since : list === "current" ? c.support_started_at : c.waiting_since) || "";
        td[6].className = "num window";
        td[6].dataset.until = c.window_expires_at || "";
        actionButtons(td[7], c);
      }, "No cases in this list" + (activeFilters() ? " with these filters." : "."), 8);
    tickCases();
    const more = $("#more");
    more.hidden = !state.data.next || state.limit >= LIST_MAX;
    setText($("#list-note"), state.data.next ? (state.limit >= LIST_MAX ? "Showing the first " + LIST_MAX + "; narrow the filters to see others." : "Showing the first " + items.length + ".") : "");
  }

  function tickCases() {
    // Ages tick on the page, from the times the API gave: every table
    // shows the same age for the same instant.
    for (const td of document.querySelectorAll("td.age")) setText(td, td.dataset.since ? duration(Math.max(0, since(td.dataset.since))) : "—");
    for (const td of document.querySelectorAll("#case-table td.window")) {
      if (!td.dataset.until) { setText(td, "no window"); continue; }
      const left = until(td.dataset.until);
      setText(td, left <= 0 ? "ended" : duration(left));
      td.classList.toggle("soon", left > 0 && left < 3600000);
    }
  }

  function renderTeams() {
    renderRows($("#team-table tbody"), state.data.teams, (t) => "t:" + (t.team == null ? "" : t.team),
      () => {
        const tr = document.createElement("tr");
        const td = cells(tr, 9);
        for (const i of [1, 2, 3, 4, 5, 6, 7, 8]) td[i].className = "num";
        return tr;
      },
      (tr, t) => {
        const td = tr.children;
        setText(td[0], t.team == null ? "(no team)" : t.team);
        setText(td[1], String(t.queued));
        td[2].className = "num age";
        td[2].dataset.since = t.oldest_queued_since || "";
        setText(td[3], String(t.open_cases));
        setText(td[4], String(t.at_risk));
        setText(td[5], t.operators.available + " · " + t.operators.away + " · " + t.operators.offline);
        td[5].title = t.operators.available + " available, " + t.operators.away + " away, " + t.operators.offline + " offline";
        setText(td[6], String(t.first_responses_30m));
        setText(td[7], t.service_level_30m == null ? "—" : Math.round(t.service_level_30m * 100) + " %");
        setText(td[8], t.expected_wait_ms == null ? "unknown" : duration(t.expected_wait_ms));
      }, "No team has cases yet.", 9);
  }

  function renderOperators() {
    renderRows($("#operator-table tbody"), state.data.operators, (o) => "o:" + o.operator,
      () => {
        const tr = document.createElement("tr");
        const td = cells(tr, 6);
        for (const i of [3, 4, 5]) td[i].className = "num";
        return tr;
      },
      (tr, o) => {
        const td = tr.children;
        setText(td[0], o.operator);
        setText(td[1], o.team || "—");
        td[2].className = "status-" + o.status;
        setText(td[2], o.status + (o.status_since ? " since " + fmtClock.format(new Date(o.status_since)) : o.reported ? "" : " (never reported)"));
        setText(td[3], String(o.open_cases));
        setText(td[4], String(o.customers_waiting));
        td[5].className = "num age";
        td[5].dataset.since = o.oldest_waiting_since || "";
      }, "No operator reported a status or has cases.", 6);
  }

  function renderCounts() {
    const sum = (f) => state.data.teams.reduce((n, t) => n + t[f], 0);
    const counts = { current: sum("active"), queued: sum("queued"), to_recover: sum("to_recover"), expired: sum("expired") };
    for (const l of LISTS) setText(document.querySelector('[data-count="' + l + '"]'), String(counts[l]));
  }

  function refreshFilterOptions() {
    const teams = new Set(state.me ? state.me.teams : []);
    for (const t of state.data.teams) if (t.team) teams.add(t.team);
    const teamList = Array.from(teams).sort();
    fillOptions($("#f-team"), teamList.map((t) => [t, t]));
    const ops = state.data.operators.map((o) => o.operator);
    fillOptions($("#f-operator"), ops.map((o) => [o, o]));
    fillOptions($("#f-interaction_type"), Array.from(state.seenTypes).sort().map((t) => [t, t]));
    fillDatalist($("#teams-list"), teamList);
    fillDatalist($("#operators-list"), ops);
  }

  const activeFilters = () => Object.values(state.filters).some((v) => v);

  // ---- lists and filters ------------------------------------------------

  function selectList(list, focus) {
    state.list = list;
    state.limit = LIST_STEP;
    for (const b of document.querySelectorAll('[role="tab"]')) {
      const on = b.dataset.list === list;
      b.setAttribute("aria-selected", String(on));
      b.tabIndex = on ? 0 : -1;
      if (on && focus) b.focus();
    }
    $("#list-panel").setAttribute("aria-labelledby", "tab-" + list);
    state.data.cases = [];
    state.data.next = null;
    renderCases();
    schedule(0);
  }

  function bindControls() {
    $("#signin-form").addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const token = $("#token").value.trim();
      if (!token) {
        $("#signin-error").textContent = "Enter your supervisor token.";
        return;
      }
      $("#signin-submit").disabled = true;
      $("#signin-error").textContent = "";
      try {
        await signIn(token);
      } catch (err) {
        if (!(err instanceof ApiError && err.status === 401)) $("#signin-error").textContent = "Could not reach the API: " + err.message;
        state.token = null;
      } finally {
        $("#signin-submit").disabled = false;
      }
    });
    $("#signout").addEventListener("click", () => signOut(""));
    for (const b of document.querySelectorAll('[role="tab"]')) {
      b.addEventListener("click", () => selectList(b.dataset.list, false));
      b.addEventListener("keydown", (ev) => {
        const i = LISTS.indexOf(state.list);
        let j = null;
        if (ev.key === "ArrowRight") j = (i + 1) % LISTS.length;
        if (ev.key === "ArrowLeft") j = (i + LISTS.length - 1) % LISTS.length;
        if (ev.key === "Home") j = 0;
        if (ev.key === "End") j = LISTS.length - 1;
        if (j != null) {
          ev.preventDefault();
          selectList(LISTS[j], true);
        }
      });
    }
    for (const name of Object.keys(state.filters)) {
      $("#f-" + name).addEventListener("change", (ev) => {
        state.filters[name] = ev.target.value;
        state.limit = LIST_STEP;
        schedule(0);
      });
    }
    $("#filters").addEventListener("submit", (ev) => ev.preventDefault());
    $("#f-clear").addEventListener("click", () => {
      for (const name of Object.keys(state.filters)) {
        state.filters[name] = "";
        $("#f-" + name).value = "";
      }
      schedule(0);
    });
    $("#more").addEventListener("click", () => {
      state.limit = Math.min(LIST_MAX, state.limit + LIST_STEP);
      schedule(0);
    });
    $("#action-cancel").addEventListener("click", () => $("#action-dialog").close("cancel"));
    $("#action-form").addEventListener("submit", (ev) => {
      ev.preventDefault();
      submitAction();
    });
    $("#action-dialog").addEventListener("close", () => {
      const d = $("#action-dialog");
      if (d.returnTo && document.contains(d.returnTo)) d.returnTo.focus();
    });
  }

  // ---- actions ----------------------------------------------------------

  const action = { kind: null, caseData: null, key: null, busy: false };

  function newKey() {
    if (crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  }

  function openAction(kind, c, opener) {
    if (!c) return;
    action.kind = kind;
    action.caseData = c;
    // One key per action: a retry after an error or a timeout sends the
    // same key, so the action counts once however often it is sent.
    action.key = newKey();
    const d = $("#action-dialog");
    d.returnTo = opener;
    const verb = kind === "transfer" ? "Transfer" : "Recover";
    setText($("#action-title"), verb + " the case");
    setText($("#action-case"), (c.customer_name || c.customer_id) + " on " + (CHANNELS[c.channel] || c.channel) +
      ", now " + (c.team ? "in " + c.team : "without a team") + (c.operator ? " with " + c.operator : "") + ".");
    setText($("#action-submit"), verb);
    $("#action-team").value = kind === "recover" ? (c.team || "") : "";
    $("#action-operator").value = "";
    $("#action-error").textContent = "";
    $("#action-submit").disabled = false;
    d.showModal();
    $("#action-team").focus();
  }

  async function submitAction() {
    if (action.busy) return;
    const toTeam = $("#action-team").value.trim();
    const toOperator = $("#action-operator").value.trim();
    if (action.kind === "transfer" && !toTeam && !toOperator) {
      showActionError("Give a team, an operator, or both.", "to_team");
      return;
    }
    const body = { idempotency_key: action.key };
    if (toTeam) body.to_team = toTeam;
    if (toOperator) body.to_operator = toOperator;
    action.busy = true;
    $("#action-submit").disabled = true;
    $("#action-error").textContent = "";
    const c = action.caseData;
    try {
      await api("/api/v1/cases/" + encodeURIComponent(c.conversation_id) + "/" + action.kind, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body),
      });
      $("#action-dialog").close("done");
      const what = action.kind === "transfer" ? "Transfer" : "Recovery";
      announce(what + " of " + (c.customer_name || c.customer_id) + " sent; the lists show it within seconds.");
      schedule(0);
    } catch (err) {
      if (err instanceof ApiError && err.status === 503) showActionError("Not confirmed yet (" + err.message + "). Send again: it will count once.");
      else if (err instanceof ApiError) showActionError(err.message, err.field);
      else showActionError("The server did not answer. Send again: it will count once.");
    } finally {
      action.busy = false;
      $("#action-submit").disabled = false;
    }
  }

  function showActionError(message, field) {
    $("#action-error").textContent = message;
    if (field === "to_team") $("#action-team").focus();
    else if (field === "to_operator") $("#action-operator").focus();
  }

  function announce(text) {
    const el = $("#announce");
    el.textContent = "";
    setTimeout(() => { el.textContent = text; }, 50);
  }

  // ---- start ------------------------------------------------------------

  document.addEventListener("DOMContentLoaded", () => {
    bindControls();
    setInterval(() => {
      if (!state.token) return;
      tickAlerts();
      tickRisk();
      tickCases();
      renderFreshness();
    }, 1000);
    const saved = sessionStorage.getItem(TOKEN_KEY);
    if (saved) {
      signIn(saved).catch(() => signOut(""));
    } else {
      $("#token").focus();
    }
  });
})();
