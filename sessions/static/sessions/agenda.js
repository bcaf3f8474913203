/* confman agenda: one switch between the event's time zone and the viewer's own, and the days
   of the "all days" view read when they are opened.
   The server renders every time in the event's zone as <time datetime="…" data-moment="time|date|datetime">;
   this rewrites their text in the zone the browser reports, and back. The choice is remembered. */
(function () {
  "use strict";
  var bar = document.querySelector("[data-tz-bar]");
  if (!bar || !window.Intl || !Intl.DateTimeFormat) return;
  var eventZone = bar.getAttribute("data-event-zone");
  var viewerZone = confman.viewerZone();
  if (!viewerZone || viewerZone === eventZone) return;

  var button = bar.querySelector("[data-tz-switch]");
  var label = bar.querySelector("[data-tz-label]");
  // The server's label as it came, its zone and offset isolated (<bdi>), to put back.
  var eventLabel = document.createDocumentFragment();
  Array.prototype.forEach.call(label.childNodes, function (node) { eventLabel.appendChild(node.cloneNode(true)); });
  var KEY = "confman.agenda.viewerZone";
  var times = [];
  function collect(root) {
    var found = Array.prototype.slice.call(root.querySelectorAll("time[data-moment]"));
    found.forEach(function (t) { t.setAttribute("data-event-text", t.textContent); });
    times = times.concat(found);
    return found;
  }
  collect(document);
  // The viewer's offset on the programme's dates, not today's (summer time may differ), as the
  // server's label takes the event's offset at the first session shown.
  var reference = times.length ? new Date(times[0].getAttribute("datetime")) : new Date();
  if (isNaN(reference.getTime())) reference = new Date();
  var viewing = false;

  var STYLES = {
    time: confman.CLOCK,
    date: { weekday: "long", day: "numeric", month: "long" },
    datetime: { weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }
  };
  function fmt(date, style, zone) {
    return confman.time(date, zone, STYLES[style] || STYLES.time);
  }
  function dayOf(date, zone) {
    return new Intl.DateTimeFormat("en-CA", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit" }).format(date);
  }
  // A label of the page's data- attributes ("Show my time zone ({zone})") as nodes, its values
  // (zone names and offsets, which read left to right) each in a <bdi>, as the server's are.
  function filled(template, values) {
    return confman.sentence(String(template).replace(/\{(\w+)\}/g, "%($1)s"), values, Object.keys(values));
  }
  // Each time in the viewer's zone; a time on another day than the event's gets that day's
  // short name, small, once per line ("23:30 (Sat)–00:30"), so that it never crowds the title.
  function rewrite(list) {
    var previous = null;
    list.forEach(function (t) {
      if (!viewing) {
        t.textContent = t.getAttribute("data-event-text");
        t.removeAttribute("title");
        return;
      }
      var date = new Date(t.getAttribute("datetime"));
      var style = t.getAttribute("data-moment");
      t.textContent = fmt(date, style, viewerZone);
      t.title = t.getAttribute("data-event-text") + " " + eventZone;
      if (style !== "time" || dayOf(date, viewerZone) === dayOf(date, eventZone)) return;
      // The weekday alone, without its period or comma (Arabic's is "،").
      var day = confman.time(date, viewerZone, { weekday: "short" }).replace(/[.,\u060C]/g, "");
      var sameLine = previous && previous.time.parentNode === t.parentNode;
      if (!(sameLine && previous.day === day)) {
        var small = document.createElement("span");
        small.className = "time-day";
        small.textContent = " (" + day + ")";
        t.appendChild(small);
      }
      previous = { time: t, day: day };
    });
  }
  function show(viewer) {
    viewing = viewer;
    rewrite(times);
    label.textContent = "";
    label.appendChild(viewer
      ? filled(bar.getAttribute("data-viewer-label"), { zone: viewerZone, offset: confman.utcOffset(reference, viewerZone) })
      : eventLabel.cloneNode(true));
    button.setAttribute("aria-pressed", viewer ? "true" : "false");
    button.textContent = "";
    button.appendChild(viewer
      ? document.createTextNode(bar.getAttribute("data-back-label"))
      : filled(bar.getAttribute("data-show-label"), { zone: viewerZone }));
    try { window.localStorage.setItem(KEY, viewer ? "1" : "0"); } catch (e) { /* private mode */ }
  }
  button.hidden = false;
  button.addEventListener("click", function () {
    show(button.getAttribute("aria-pressed") !== "true");
  });
  // A day read later (below) comes in the event's zone, like the page did.
  document.addEventListener("confman:agenda-content", function (e) {
    rewrite(collect(e.target));
  });
  var remembered = null;
  try { remembered = window.localStorage.getItem(KEY); } catch (e) { /* private mode */ }
  show(remembered === "1");
})();

/* "All days" of a large programme: a day's section is read when it is opened, from the same
   address with ?day=…&fragment=1 and the same filters. Without JavaScript (or when that fails)
   the section holds a link to the day's own page. */
(function () {
  "use strict";
  var days = document.querySelector("[data-agenda-days]");
  if (!days || !window.fetch) return;

  function load(section) {
    var url = section.getAttribute("data-fragment");
    var body = section.querySelector("[data-day-body]");
    section.removeAttribute("data-fragment");
    var status = body.querySelector("[data-day-status]");
    if (!status) {
      status = document.createElement("p");
      status.setAttribute("data-day-status", "");
      status.setAttribute("role", "status");
      body.insertBefore(status, body.firstChild);
    }
    status.textContent = days.getAttribute("data-loading");
    body.setAttribute("aria-busy", "true");
    fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.text();
      })
      .then(function (html) {
        body.innerHTML = html;
        body.dispatchEvent(new CustomEvent("confman:agenda-content", { bubbles: true }));
      })
      .catch(function () {
        status.textContent = days.getAttribute("data-failed");
        section.setAttribute("data-fragment", url); // opened again: tried again
      })
      .then(function () { body.removeAttribute("aria-busy"); });
  }
  // "toggle" does not bubble: caught on its way down.
  days.addEventListener("toggle", function (e) {
    var section = e.target;
    if (section.open && section.hasAttribute("data-fragment")) load(section);
  }, true);
  Array.prototype.forEach.call(days.querySelectorAll("details[open][data-fragment]"), load);
})();
