/* confman agenda: one switch between the event's time zone and the viewer's own.
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
  var times = Array.prototype.slice.call(document.querySelectorAll("time[data-moment]"));
  times.forEach(function (t) { t.setAttribute("data-event-text", t.textContent); });
  // The viewer's offset on the programme's dates, not today's (summer time may differ), as the
  // server's label takes the event's offset at the first session shown.
  var reference = times.length ? new Date(times[0].getAttribute("datetime")) : new Date();
  if (isNaN(reference.getTime())) reference = new Date();

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
  function show(viewer) {
    times.forEach(function (t) {
      if (!viewer) {
        t.textContent = t.getAttribute("data-event-text");
        t.removeAttribute("title");
        return;
      }
      var date = new Date(t.getAttribute("datetime"));
      var style = t.getAttribute("data-moment");
      var text = fmt(date, style, viewerZone);
      if (style === "time" && dayOf(date, viewerZone) !== dayOf(date, eventZone)) {
        // The weekday alone, without its comma (Arabic's is "،").
        text += " (" + fmt(date, "date", viewerZone).split(" ")[0].replace(/[,\u060C]/g, "") + ")";
      }
      t.textContent = text;
      t.title = t.getAttribute("data-event-text") + " " + eventZone;
    });
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
  var remembered = null;
  try { remembered = window.localStorage.getItem(KEY); } catch (e) { /* private mode */ }
  show(remembered === "1");
})();
