/* confman live page: keeps "now and next" per room current without a reload.

   Transport, best first: the event's websocket (resuming with ?since=N after a drop, asking
   for any gap it sees, reconnecting with backoff, pinging so proxies keep it open); where
   sockets are blocked, Server-Sent Events (EventSource resumes by itself with Last-Event-ID);
   and last, polling the JSON every 15 s with its ETag. Every message carries the event's update
   number, so nothing is applied twice and nothing is skipped. Without JavaScript the page
   reloads itself every minute. */
(function () {
  "use strict";
  var root = document.querySelector("[data-live]");
  if (!root || !window.JSON) return;
  var state = confman.jsonScript("live-state");
  var zone = root.getAttribute("data-tz");
  var token = root.getAttribute("data-token");
  var roomsBox = root.querySelector("[data-live-rooms]");
  var banner = root.querySelector("[data-live-announcements]");
  var changesBox = root.querySelector("[data-live-changes]");
  var statusLine = root.querySelector("[data-live-status]");
  var sequence = state.sequence;
  var viewerZone = confman.viewerZone();
  var LINKS = { zoom: 1, teams: 1, bigbluebutton: 1 };

  // The page's words come from Django's JavaScript catalog (djangojs.po).
  function format(text, values) { return interpolate(text, values, true); }
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }
  function hm(iso, tz) {
    try {
      return confman.time(iso, tz);
    } catch (e) { return new Date(iso).toISOString().slice(11, 16); }
  }
  function status(text) { if (statusLine) statusLine.textContent = text; }
  function offlineSince() {
    return format(gettext("Offline: showing what was known at %(time)s."), { time: hm(new Date().toISOString(), zone) });
  }

  // --- the state ---------------------------------------------------------------------------
  function nowAndNext(room, now) {
    var live = room.sessions.filter(function (s) { return s.status === "live"; });
    var current = live[0] || room.sessions.filter(function (s) {
      return s.status === "scheduled" && new Date(s.actual_start) <= now && now < new Date(s.actual_end);
    })[0] || null;
    var next = room.sessions.filter(function (s) {
      return s.status === "scheduled" && new Date(s.actual_start) > now && s !== current;
    })[0] || null;
    return [current, next];
  }
  function roomOf(id) {
    for (var i = 0; i < state.rooms.length; i++) {
      var r = state.rooms[i].room;
      if ((r ? r.id : null) === id) return state.rooms[i];
    }
    return null;
  }
  function place(session) {
    state.rooms.forEach(function (room) {
      room.sessions = room.sessions.filter(function (s) { return s.id !== session.id; });
    });
    if (session.status === "cancelled" || session.status === "ended" || session.status === "draft") return;
    if (new Date(session.actual_end) <= new Date() && session.status !== "live") return;
    var id = session.room ? session.room.id : null;
    var room = roomOf(id);
    if (!room) {
      room = { room: session.room, sessions: [], streams: [] };
      state.rooms.push(room);
    }
    room.sessions.push(session);
    room.sessions.sort(function (a, b) { return new Date(a.actual_start) - new Date(b.actual_start); });
  }
  function apply(message) {
    var update = message.update;
    if (message.session) place(message.session);
    if (update.kind === "stream" && message.streams && !message.session && update.changes.room_id) {
      var room = roomOf(update.changes.room_id.after);
      if (room) room.streams = message.streams;
    }
    if (update.kind === "announcement") {
      if (!update.session_url && message.session) update.session_url = message.session.url;
      state.announcements.unshift(update);
      state.announcements = state.announcements.slice(0, 3);
      renderBanner(true);
    }
    if (["moved", "delayed", "cancelled", "status"].indexOf(update.kind) >= 0) {
      state.changes.unshift(update);
      state.changes = state.changes.slice(0, 10);
      renderChanges();
    }
    render();
  }

  // --- drawing (the same markup as the server's) -------------------------------------------
  function timeLine(s) {
    var p = el("p", "live-session__time");
    var start = el("time", "", hm(s.actual_start, zone)); start.setAttribute("datetime", s.actual_start);
    var end = el("time", "", hm(s.actual_end, zone)); end.setAttribute("datetime", s.actual_end);
    p.appendChild(start); p.appendChild(document.createTextNode("–")); p.appendChild(end);
    p.appendChild(document.createTextNode(" "));
    p.appendChild(el("span", "muted", "(" + confman.utcOffset(s.actual_start, zone) + ")"));
    if (viewerZone && viewerZone !== zone) {
      p.appendChild(el("span", "live-session__yours",
        " · " + hm(s.actual_start, viewerZone) + "–" + hm(s.actual_end, viewerZone) + " " + gettext("your time")));
    }
    // One state, as the server writes it (livestream/_session.html): a session marked live is
    // live, whatever its times say; else one starting late says when; else one running late.
    var now = new Date(), starts = (new Date(s.actual_start) - now) / 60000, ends = (new Date(s.actual_end) - now) / 60000;
    var live = s.status === "live", minutes;
    function tag(className, text) { p.appendChild(document.createTextNode(" ")); p.appendChild(el("span", className, text)); }
    if (live) tag("tag tag--live", gettext("Live now"));
    else if (s.delay_minutes && starts > 0) {
      tag("tag tag--late", format(ngettext("Starts at %(time)s (%(minutes)s min late)", "Starts at %(time)s (%(minutes)s min late)", s.delay_minutes),
        { time: hm(s.actual_start, zone), minutes: s.delay_minutes }));
    } else if (s.delay_minutes) {
      tag("tag tag--late", format(ngettext("%(minutes)s min late", "%(minutes)s min late", s.delay_minutes), { minutes: s.delay_minutes }));
    }
    if (!live && starts > 0 && starts < 120) {
      minutes = Math.ceil(starts);
      p.appendChild(el("span", "live-countdown", " · " + format(
        ngettext("starts in %(minutes)s min", "starts in %(minutes)s min", minutes), { minutes: minutes })));
    } else if (starts <= 0 && ends > 0) {
      minutes = Math.ceil(ends);
      p.appendChild(el("span", "live-countdown", " · " + format(
        ngettext("ends in %(minutes)s min", "ends in %(minutes)s min", minutes), { minutes: minutes })));
    }
    return p;
  }
  function streamList(streams, roomId) {
    var ul = el("ul", "live-streams");
    (streams || []).forEach(function (st) {
      var li = el("li");
      if (st.locked) {
        var locked = el("span", "live-stream live-stream--locked");
        locked.appendChild(confman.bdi(st.provider_label));
        locked.appendChild(document.createTextNode(" · " + st.language_name + ": " + gettext("For registered online participants")));
        li.appendChild(locked);
      } else {
        var verb = LINKS[st.provider] ? pgettext("stream link", "Join") : pgettext("stream link", "Watch");
        var a = el("a", "live-stream", verb + " · ");
        a.appendChild(confman.bdi(st.provider_label));
        a.appendChild(document.createTextNode(" · " + st.language_name));
        a.href = st.url; a.rel = "noopener noreferrer"; a.target = "_blank";
        if (roomId !== null && roomId !== undefined) a.setAttribute("data-room", roomId);
        li.appendChild(a);
        if (st.passcode) {
          var pass = el("span", "live-stream__passcode", " " + gettext("Passcode") + ": ");
          pass.appendChild(el("code", "", st.passcode));
          li.appendChild(pass);
        }
      }
      ul.appendChild(li);
    });
    return ul;
  }
  // The event's own words in the viewer's language: the page's, else the event's first one
  // (the first given), as the server chooses them.
  function inLanguage(texts, fallback) {
    if (!texts) return fallback || "";
    var lang = document.documentElement.lang, base = lang.split("-")[0], code;
    if (texts[lang]) return texts[lang];
    for (code in texts) if (texts[code] && code.split("-")[0] === base) return texts[code];
    for (code in texts) if (texts[code]) return texts[code];
    return fallback || "";
  }
  function sessionNode(s, room) {
    var article = el("article", "live-session" + (s.status === "live" ? " live-session--live" : s.delay_minutes ? " live-session--late" : ""));
    article.setAttribute("data-session", s.id);
    var title = el("p", "live-session__title"), link = el("a", "", inLanguage(s.titles, s.title));
    title.dir = "auto"; // the event's own words, in whatever language
    link.href = s.url; title.appendChild(link); article.appendChild(title);
    article.appendChild(timeLine(s));
    if (s.chairs && s.chairs.length) {
      var people = el("p", "live-session__people", pgettext("session role", "Chair:") + " ");
      s.chairs.forEach(function (name, i) {
        if (i) people.appendChild(document.createTextNode(", "));
        people.appendChild(confman.bdi(name));
      });
      article.appendChild(people);
    }
    var streams = s.streams !== null && s.streams !== undefined ? s.streams : room.streams;
    if (streams && streams.length) article.appendChild(streamList(streams, s.room ? s.room.id : null));
    return article;
  }
  function render() {
    var now = new Date();
    roomsBox.textContent = "";
    state.rooms.forEach(function (room, index) {
      if (!room.sessions.length && !room.streams.length) return;
      var pair = nowAndNext(room, now);
      var section = el("section", "live-room");
      var heading = el("h2");
      heading.appendChild(room.room ? confman.bdi(inLanguage(room.room.names, room.room.name)) : document.createTextNode(gettext("Online sessions")));
      heading.id = "room-" + (index + 1);
      section.setAttribute("aria-labelledby", heading.id);
      section.appendChild(heading);
      [[pgettext("live page", "Now"), pair[0], gettext("Nothing on now"), "live-slot live-slot--now"],
       [pgettext("live page", "Next"), pair[1], gettext("Nothing more today"), "live-slot"]]
        .forEach(function (slot) {
          var box = el("div", slot[3]);
          box.appendChild(el("h3", "", slot[0]));
          box.appendChild(slot[1] ? sessionNode(slot[1], room) : el("p", "muted", slot[2]));
          section.appendChild(box);
        });
      roomsBox.appendChild(section);
    });
  }
  // Each announcement with where it comes from: the session it is about (a link to it), or
  // the organisers for the whole event.
  function renderBanner(fresh) {
    banner.textContent = "";
    state.announcements.forEach(function (a) {
      var p = el("p", "live-banner" + (fresh ? " live-banner--new" : ""));
      var source = el("strong", "", gettext("Announcement") + " · ");
      if (a.session_id) {
        var link = el("a");
        link.href = a.session_url || "";
        link.appendChild(confman.bdi(inLanguage(a.session_titles, a.session_title)));
        source.appendChild(link);
      } else {
        source.appendChild(document.createTextNode(gettext("From the organisers")));
      }
      source.appendChild(document.createTextNode(":"));
      p.appendChild(source);
      p.appendChild(document.createTextNode(" "));
      p.appendChild(confman.bdi(inLanguage(a.messages, a.message)));
      banner.appendChild(p);
      fresh = false;
    });
  }
  // The change in words, as nodes: the session's title and the room in <bdi>, as the server's
  // livestream/_change.html writes them.
  function changeText(c) {
    var title = inLanguage(c.session_titles, c.session_title);
    function say(text, values) { return confman.sentence(text, values, ["title", "room"]); }
    if (c.kind === "delayed") {
      var minutes = c.changes.delay_minutes ? c.changes.delay_minutes.after : "";
      return say(ngettext("%(title)s: runs %(minutes)s min late.", "%(title)s: runs %(minutes)s min late.", minutes),
        { title: title, minutes: minutes });
    }
    if (c.kind === "moved") return say(gettext("%(title)s moved."), { title: title });
    if (c.kind === "cancelled") {
      var cancelled = say(gettext("%(title)s is cancelled."), { title: title });
      if (c.message) {
        cancelled.appendChild(document.createTextNode(" "));
        cancelled.appendChild(confman.bdi(inLanguage(c.messages, c.message)));
      }
      return cancelled;
    }
    var after = c.changes.status ? c.changes.status.after : "";
    if (after === "live") return say(gettext("%(title)s is live now."), { title: title });
    if (after === "ended") return say(gettext("%(title)s has ended."), { title: title });
    return say(gettext("%(title)s is scheduled again."), { title: title });
  }
  // What it changed, old and new, as livestream.views.change_details: the start (on the
  // event's clock, with the day when it changed too) and the room.
  function dayOf(iso) { // "7 Dec", as Django's date format "j M" writes it
    try {
      var parts = {};
      new Intl.DateTimeFormat(document.documentElement.lang || undefined, { timeZone: zone, day: "numeric", month: "short", numberingSystem: "latn" })
        .formatToParts(new Date(iso)).forEach(function (part) { parts[part.type] = part.value; });
      return parts.day + " " + parts.month;
    } catch (e) { return String(iso).slice(0, 10); }
  }
  function moments(before, after) {
    if (!before || !after) return null;
    var both = [before, after].map(function (iso) { return hm(iso, zone); });
    var days = [before, after].map(dayOf);
    if (days[0] !== days[1]) both = [days[0] + " " + both[0], days[1] + " " + both[1]];
    return both;
  }
  function changeDetails(c) {
    var changes = c.changes || {}, details = [], times;
    if (c.kind === "delayed" && changes.actual_start) details.push(moments(changes.actual_start.before, changes.actual_start.after));
    if (c.kind === "moved") {
      times = changes.start || changes.end;
      if (times) details.push(moments(times.before, times.after));
      var room = changes.room;
      if (room && room.before && room.after) {
        details.push([inLanguage(room.before.names, room.before.name), inLanguage(room.after.names, room.after.name)]);
      }
    }
    return details.filter(function (d) { return d; });
  }
  function renderChanges() {
    changesBox.textContent = "";
    state.changes.forEach(function (c) {
      var li = el("li"), when = el("time", "live-change__when", hm(c.created_at, zone));
      when.setAttribute("datetime", c.created_at);
      li.appendChild(when);
      if (viewerZone && viewerZone !== zone) {
        li.appendChild(el("span", "live-session__yours", " · " + hm(c.created_at, viewerZone) + " " + gettext("your time")));
      }
      li.appendChild(document.createTextNode(" · "));
      var what = el("span", "live-change__what");
      what.appendChild(changeText(c));
      li.appendChild(what);
      changeDetails(c).forEach(function (pair) {
        li.appendChild(document.createTextNode(" "));
        var detail = el("span", "live-change__detail muted");
        detail.appendChild(confman.sentence(gettext("%(before)s → %(after)s"), { before: pair[0], after: pair[1] }, ["before", "after"]));
        li.appendChild(detail);
      });
      li.setAttribute("data-sequence", c.sequence);
      changesBox.appendChild(li);
    });
    if (!state.changes.length) {
      var none = el("li", "muted", gettext("No delays, moves or cancellations in the last three hours."));
      none.setAttribute("data-live-nochange", "");
      changesBox.appendChild(none);
    }
  }

  // --- messages ----------------------------------------------------------------------------
  var resumeAsked = 0;
  function receive(message, ask) {
    if (message.type === "snapshot") {
      state = message; sequence = message.sequence;
      render(); renderBanner(false); renderChanges();
      return;
    }
    if (message.type !== "update") return;
    if (message.sequence <= sequence) return; // had it
    if (message.sequence > sequence + 1) {
      // A gap: ask for what is missing (once a second at most) and apply in order then.
      if (ask && Date.now() - resumeAsked > 1000) { resumeAsked = Date.now(); ask(sequence); }
      return;
    }
    sequence = message.sequence;
    apply(message);
  }

  var socket = null, failures = 0, opened = false, pingTimer = null, pongTimer = null, mode = "socket";
  function socketUrl() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var query = "?since=" + sequence + (token ? "&r=" + encodeURIComponent(token) : "");
    return scheme + window.location.host + root.getAttribute("data-socket") + query;
  }
  function connect() {
    if (!window.WebSocket) { startEvents(); return; }
    try { socket = new WebSocket(socketUrl()); } catch (e) { retry(); return; }
    var sock = socket;
    sock.onopen = function () {
      opened = true; failures = 0;
      status(gettext("Live: updates appear here as they happen."));
      clearInterval(pingTimer);
      pingTimer = setInterval(function () {
        if (sock.readyState !== 1) return;
        sock.send(JSON.stringify({ type: "ping" }));
        clearTimeout(pongTimer);
        pongTimer = setTimeout(function () { sock.close(); }, 10000); // no pong: the link is dead
      }, 25000);
    };
    sock.onmessage = function (event) {
      var message;
      try { message = JSON.parse(event.data); } catch (e) { return; }
      if (message.type === "pong") { clearTimeout(pongTimer); return; }
      if (message.type === "hello") {
        if (message.snapshot) receive(message.snapshot);
        return;
      }
      if (message.type === "error" && message.code === "not_found") { status(gettext("This event is no longer public.")); mode = "gone"; return; }
      receive(message, function (since) { sock.send(JSON.stringify({ type: "resume", since: since })); });
    };
    sock.onclose = function (event) {
      clearInterval(pingTimer); clearTimeout(pongTimer);
      if (event.code === 4404 || mode === "gone") { status(gettext("This event is no longer public.")); return; }
      retry();
    };
  }
  function retry() {
    failures++;
    if (!opened && failures >= 3) { startEvents(); return; } // sockets never opened here: blocked
    status(navigator.onLine === false ? offlineSince() : gettext("Connection lost; reconnecting…"));
    var wait = Math.min(30000, 1000 * Math.pow(2, Math.min(failures, 5))) * (0.5 + Math.random() / 2);
    setTimeout(connect, wait);
  }

  function startEvents() {
    mode = "events";
    if (!window.EventSource) { startPolling(); return; }
    var url = root.getAttribute("data-events") + "?since=" + sequence + (token ? "&r=" + encodeURIComponent(token) : "");
    var source = new EventSource(url), got = false;
    function handle(event) {
      got = true;
      try { receive(JSON.parse(event.data)); } catch (e) { /* a broken event: the next snapshot mends it */ }
    }
    source.addEventListener("snapshot", function (event) {
      got = true;
      var message = JSON.parse(event.data); message.type = "snapshot"; receive(message);
    });
    source.addEventListener("update", handle);
    source.addEventListener("gone", function () { source.close(); status(gettext("This event is no longer public.")); });
    source.onopen = function () { status(gettext("Live: updates appear here as they happen.")); };
    source.onerror = function () {
      if (!got) { source.close(); startPolling(); return; } // never worked here
      status(gettext("Connection lost; reconnecting…")); // EventSource reconnects by itself, with Last-Event-ID
    };
  }

  var etag = null;
  function startPolling() {
    mode = "polling";
    status(gettext("Live updates by polling every 15 s (this network blocks sockets)."));
    function poll() {
      var url = root.getAttribute("data-poll") + "?since=" + sequence + (token ? "&r=" + encodeURIComponent(token) : "");
      var headers = { "Accept": "application/json" };
      if (etag) headers["If-None-Match"] = etag;
      fetch(url, { headers: headers, credentials: "same-origin" }).then(function (response) {
        if (response.status === 304) return null;
        etag = response.headers.get("ETag");
        return response.ok ? response.json() : null;
      }).then(function (body) {
        if (!body) return;
        body.updates.forEach(function (u) { receive(u); });
        if (body.more) { setTimeout(poll, 0); return; }
        var fresh = body.snapshot; fresh.type = "snapshot"; receive(fresh);
        status(gettext("Live updates by polling every 15 s (this network blocks sockets)."));
      }).catch(function () {
        status(offlineSince());
      });
    }
    setInterval(poll, 15000);
    poll();
  }

  // Which room this viewer watches, for the team's viewer counts.
  roomsBox.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-room]");
    if (link && socket && socket.readyState === 1) {
      socket.send(JSON.stringify({ type: "watching", room: Number(link.getAttribute("data-room")) }));
    }
  });

  // Time moves on: countdowns and "now" change without any message.
  setInterval(render, 30000);
  var yours = root.querySelector("[data-live-yourtime]");
  if (yours && viewerZone && viewerZone !== zone) {
    yours.textContent = "";
    yours.appendChild(confman.sentence(gettext("Your times are shown too (%(zone)s)."), { zone: viewerZone }, ["zone"]));
  }
  window.addEventListener("online", function () { if (mode === "socket" && (!socket || socket.readyState > 1)) connect(); });
  render();
  renderChanges(); // with the viewer's own times too
  connect();
})();
