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
  var strings = confman.jsonScript("live-strings");
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

  var fill = confman.fill;
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }
  function hm(iso, tz) {
    try {
      return confman.time(iso, tz, { hour: "2-digit", minute: "2-digit", hour12: false }, []);
    } catch (e) { return new Date(iso).toISOString().slice(11, 16); }
  }
  function status(text) { if (statusLine) statusLine.textContent = text; }

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
        " · " + hm(s.actual_start, viewerZone) + "–" + hm(s.actual_end, viewerZone) + " " + strings.yourTime));
    }
    if (s.status === "live") { p.appendChild(document.createTextNode(" ")); p.appendChild(el("span", "tag tag--live", strings.live)); }
    if (s.delay_minutes) {
      p.appendChild(document.createTextNode(" "));
      p.appendChild(el("span", "tag tag--late", fill(strings.late, { minutes: s.delay_minutes })));
    }
    var now = new Date(), starts = (new Date(s.actual_start) - now) / 60000, ends = (new Date(s.actual_end) - now) / 60000;
    if (starts > 0 && starts < 120) p.appendChild(el("span", "live-countdown", " · " + fill(strings.startsIn, { minutes: Math.ceil(starts) })));
    else if (starts <= 0 && ends > 0) p.appendChild(el("span", "live-countdown", " · " + fill(strings.endsIn, { minutes: Math.ceil(ends) })));
    return p;
  }
  function streamList(streams, roomId) {
    var ul = el("ul", "live-streams");
    (streams || []).forEach(function (st) {
      var li = el("li");
      if (st.locked) {
        li.appendChild(el("span", "live-stream live-stream--locked", st.provider_label + " · " + st.language_name + ": " + strings.locked));
      } else {
        var a = el("a", "live-stream", (LINKS[st.provider] ? strings.join : strings.watch) + " · " + st.provider_label + " · " + st.language_name);
        a.href = st.url; a.rel = "noopener noreferrer"; a.target = "_blank";
        if (roomId !== null && roomId !== undefined) a.setAttribute("data-room", roomId);
        li.appendChild(a);
        if (st.passcode) {
          var pass = el("span", "live-stream__passcode", " " + strings.passcode + ": ");
          pass.appendChild(el("code", "", st.passcode));
          li.appendChild(pass);
        }
      }
      ul.appendChild(li);
    });
    return ul;
  }
  function sessionNode(s, room) {
    var article = el("article", "live-session" + (s.delay_minutes ? " live-session--late" : "") + (s.status === "live" ? " live-session--live" : ""));
    article.setAttribute("data-session", s.id);
    var title = el("p", "live-session__title"), link = el("a", "", s.title);
    link.href = s.url; title.appendChild(link); article.appendChild(title);
    article.appendChild(timeLine(s));
    if (s.chairs && s.chairs.length) article.appendChild(el("p", "live-session__people", strings.chair + " " + s.chairs.join(", ")));
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
      var heading = el("h2", "", room.room ? room.room.name : strings.online || "");
      heading.id = "room-" + (index + 1);
      section.setAttribute("aria-labelledby", heading.id);
      section.appendChild(heading);
      [[strings.now, pair[0], strings.nothingNow, "live-slot live-slot--now"], [strings.next, pair[1], strings.nothingNext, "live-slot"]]
        .forEach(function (slot) {
          var box = el("div", slot[3]);
          box.appendChild(el("h3", "", slot[0]));
          box.appendChild(slot[1] ? sessionNode(slot[1], room) : el("p", "muted", slot[2]));
          section.appendChild(box);
        });
      roomsBox.appendChild(section);
    });
  }
  function renderBanner(fresh) {
    banner.textContent = "";
    state.announcements.forEach(function (a) {
      var p = el("p", "live-banner" + (fresh ? " live-banner--new" : ""));
      p.appendChild(el("strong", "", strings.announcement + ": "));
      p.appendChild(document.createTextNode(a.message));
      banner.appendChild(p);
      fresh = false;
    });
  }
  function changeText(c) {
    var title = c.session_title || "";
    if (c.kind === "delayed") return fill(strings.changeDelayed, { title: title, minutes: c.changes.delay_minutes ? c.changes.delay_minutes.after : "" });
    if (c.kind === "moved") {
      return c.changes.room ? fill(strings.changeMovedRoom, { title: title, room: c.changes.room.after ? c.changes.room.after.name : "" })
        : fill(strings.changeMovedTime, { title: title });
    }
    if (c.kind === "cancelled") return fill(strings.changeCancelled, { title: title }) + (c.message ? " " + c.message : "");
    var after = c.changes.status ? c.changes.status.after : "";
    return fill(after === "live" ? strings.changeLive : after === "ended" ? strings.changeEnded : strings.changeScheduled, { title: title });
  }
  function renderChanges() {
    changesBox.textContent = "";
    state.changes.forEach(function (c) {
      var li = el("li", "", changeText(c));
      li.setAttribute("data-sequence", c.sequence);
      changesBox.appendChild(li);
    });
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
      status(strings.connected);
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
      if (message.type === "error" && message.code === "not_found") { status(strings.gone); mode = "gone"; return; }
      receive(message, function (since) { sock.send(JSON.stringify({ type: "resume", since: since })); });
    };
    sock.onclose = function (event) {
      clearInterval(pingTimer); clearTimeout(pongTimer);
      if (event.code === 4404 || mode === "gone") { status(strings.gone); return; }
      retry();
    };
  }
  function retry() {
    failures++;
    if (!opened && failures >= 3) { startEvents(); return; } // sockets never opened here: blocked
    status(navigator.onLine === false ? fill(strings.offline, { time: hm(new Date().toISOString(), zone) }) : strings.reconnecting);
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
    source.addEventListener("gone", function () { source.close(); status(strings.gone); });
    source.onopen = function () { status(strings.connected); };
    source.onerror = function () {
      if (!got) { source.close(); startPolling(); return; } // never worked here
      status(strings.reconnecting); // EventSource reconnects by itself, with Last-Event-ID
    };
  }

  var etag = null;
  function startPolling() {
    mode = "polling";
    status(strings.polling);
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
        status(strings.polling);
      }).catch(function () {
        status(fill(strings.offline, { time: hm(new Date().toISOString(), zone) }));
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
  if (yours && viewerZone && viewerZone !== zone) yours.textContent = fill(strings.viewerZone, { zone: viewerZone });
  window.addEventListener("online", function () { if (mode === "socket" && (!socket || socket.readyState > 1)) connect(); });
  render();
  connect();
})();
