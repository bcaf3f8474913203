/* confman check-in statistics: every few seconds, ask the statistics' JSON whether anything
   changed (If-None-Match: a 304 costs nothing) and refresh the numbers, rows and bars in place.
   The rows are built as registrations/checkin/views.py chart_rows builds them, in the same
   words (here from Django's JavaScript catalog, djangojs.po). Screen readers hear the
   checked-in total politely, at most every 30 s. Without JavaScript the page refreshes itself
   (a meta refresh inside <noscript>). */
(function () {
  "use strict";
  var root = document.querySelector("[data-cf]");
  if (!root || !window.fetch) return;
  var api = root.getAttribute("data-api");
  var zone = root.getAttribute("data-zone");
  var pollMs = (parseInt(root.getAttribute("data-poll"), 10) || 5) * 1000;
  var announceMs = (parseInt(root.getAttribute("data-announce-every"), 10) || 30) * 1000;
  var status = root.querySelector("[data-cf-status]");
  var live = root.querySelector("[data-cf-announce]");
  var MAX_POLLS = 17280; // a day at 5 s: a forgotten tab stops by itself

  var etag = null, offset = "", lastAnnounced = 0, pending = null;
  // The total the page was served with has been read already; announce only changes.
  var lastTotal = parseInt(root.querySelector('[data-cf-total="checked_in"]').textContent, 10);
  var lastSuccess = new Date(), polls = 0, busy = false;

  function format(text, values) { return interpolate(text, values, true); }
  function percent(n, total) { return total ? Math.floor(n * 100 / total) : 0; }
  function capped(n, total) { return Math.min(100, percent(n, total)); }
  // The share as the server writes it: "45%".
  function percentText(n, total) {
    var value = percent(n, total);
    // Translators: a share in percent; the last % is the percent sign.
    return format(ngettext("%(percent)s%", "%(percent)s%", value), { percent: value });
  }

  function clock(date) {
    var time;
    try {
      time = confman.time(date, zone, { hour: "2-digit", minute: "2-digit", second: "2-digit" });
    } catch (e) {
      time = date.toTimeString().slice(0, 8);
    }
    var at = confman.utcOffset(date, zone) || offset;
    return at ? time + " (" + at + ")" : time;
  }

  var builders = {
    by_ticket: function (f) {
      return f.by_ticket.map(function (t) {
        return {
          key: String(t.ticket_id), label: t.name, checked_in: String(t.checked_in),
          expected: String(t.expected), inside: String(t.inside),
          percent: percentText(t.checked_in, t.expected),
          bar: capped(t.checked_in, t.expected)
        };
      });
    },
    by_mode: function (f) {
      return f.by_mode.map(function (m) {
        var door = m.door_check_in;
        return {
          key: m.mode, label: m.label, expected: String(m.expected),
          checked_in: door ? String(m.checked_in) : "",
          percent: door ? percentText(m.checked_in, m.expected) : gettext("attend online, no door check-in"),
          bar: door ? capped(m.checked_in, m.expected) : null
        };
      });
    },
    by_entrance: function (f) {
      return f.by_entrance.map(function (e) {
        return {
          key: e.gate, label: e.label,
          // Translators: people, and their share of those checked in; the last % is the percent sign.
          people: format(ngettext("%(n)s (%(percent)s%)", "%(n)s (%(percent)s%)", e.people),
            { n: e.people, percent: percent(e.people, f.checked_in) }),
          bar: capped(e.people, f.checked_in)
        };
      });
    },
    by_hour: function (f) {
      var busiest = f.by_hour.reduce(function (most, h) { return Math.max(most, h.entries); }, 0);
      return f.by_hour.map(function (h, i) {
        var first = i === 0 || f.by_hour[i - 1].day !== h.day;
        return {
          key: h.start, day: h.day_label, day_mark: first ? h.day_label : "", label: h.label,
          offset: h.utc_offset, entries: String(h.entries), bar: percent(h.entries, busiest)
        };
      });
    },
    duplicates: function (f) {
      return f.duplicates.map(function (d) {
        return {
          key: String(d.checkin_id), name: d.name, reference: d.reference, device: d.device,
          gate: d.gate, at: d.at_label, first_device: d.first_device, first_gate: d.first_gate,
          first_at: d.first_at_label, bar: null
        };
      });
    },
    refusals: function (f) {
      return f.refusals.map(function (r) {
        return { key: r.reason, label: r.label, scans: String(r.scans), bar: null };
      });
    },
    sessions: function (f) {
      return f.sessions.map(function (s) {
        return {
          key: String(s.session_id), title: s.title, room: s.room, start: s.start_label,
          capacity: s.capacity === null ? gettext("no limit") : String(s.capacity),
          attended: String(s.attended), inside: String(s.inside),
          full: s.full ? pgettext("session room", "Full") : "", turned_away: String(s.turned_away),
          bar: s.capacity === null ? null : capped(s.inside, s.capacity)
        };
      });
    }
  };

  function fillRow(element, row) {
    element.setAttribute("data-key", row.key);
    element.querySelectorAll("[data-cf-field]").forEach(function (cell) {
      var value = row[cell.getAttribute("data-cf-field")];
      if (cell.textContent !== value) cell.textContent = value === undefined ? "" : value;
    });
    element.querySelectorAll("[data-cf-bar]").forEach(function (bar) {
      var track = bar.parentNode;
      if (row.bar === null || row.bar === undefined) {
        if (track.classList.contains("cf-bar")) track.hidden = true;
        return;
      }
      track.hidden = false;
      bar.style[bar.getAttribute("data-cf-bar")] = row.bar + "%";
    });
  }

  function render(container, rows) {
    var template = container.querySelector("template[data-cf-row]");
    var empty = container.querySelector("[data-cf-empty]");
    var existing = new Map();
    Array.prototype.forEach.call(container.children, function (child) {
      if (child.hasAttribute("data-key")) existing.set(child.getAttribute("data-key"), child);
    });
    var wanted = new Set(rows.map(function (row) { return row.key; }));
    existing.forEach(function (element, key) { if (!wanted.has(key)) element.remove(); });
    rows.forEach(function (row) {
      var element = existing.get(row.key);
      if (!element) element = template.content.firstElementChild.cloneNode(true);
      fillRow(element, row);
      // In the data's order, before the "none yet" row.
      container.insertBefore(element, empty || null);
    });
    if (empty) empty.hidden = rows.length > 0;
  }

  function setTotal(name, value) {
    var element = root.querySelector('[data-cf-total="' + name + '"]');
    if (element && element.textContent !== value) element.textContent = value;
  }

  function announce(figures) {
    if (figures.checked_in === lastTotal && !pending) return;
    lastTotal = figures.checked_in;
    var say = function () {
      pending = null;
      lastAnnounced = Date.now();
      live.textContent = format(ngettext("%(n)s of %(total)s expected has checked in.",
        "%(n)s of %(total)s expected have checked in.", lastTotal), { n: lastTotal, total: figures.expected });
    };
    var wait = lastAnnounced + announceMs - Date.now();
    if (pending) window.clearTimeout(pending);
    if (wait <= 0) say(); else pending = window.setTimeout(say, wait);
  }

  function update(figures) {
    offset = figures.utc_offset;
    setTotal("checked_in", String(figures.checked_in));
    setTotal("of_expected", format(ngettext("of %(total)s expected", "of %(total)s expected", figures.expected),
      { total: figures.expected }));
    setTotal("checked_in_percent", percentText(figures.checked_in, figures.expected));
    setTotal("inside", String(figures.inside));
    setTotal("flagged", String(figures.flagged));
    setTotal("online", String(figures.online));
    var box = root.querySelector("[data-cf-flagged-box]");
    if (box) box.classList.toggle("cf-total--attention", figures.flagged > 0);
    Object.keys(builders).forEach(function (name) {
      var rows = builders[name](figures);
      root.querySelectorAll('[data-cf-chart="' + name + '"]').forEach(function (container) {
        render(container, rows);
      });
    });
    announce(figures);
  }

  // The status line, with the time of the last update ("14:05:09 (UTC+08:00)", which reads left
  // to right) isolated in a <bdi>, so that the sentence's punctuation stays where it belongs.
  function say(text) {
    status.textContent = "";
    status.appendChild(confman.sentence(text, { time: clock(lastSuccess) }, ["time"]));
  }

  function poll() {
    if (busy || document.hidden) return;
    if (++polls > MAX_POLLS) { window.clearInterval(timer); return; }
    busy = true;
    var headers = { "Accept": "application/json" };
    if (etag) headers["If-None-Match"] = etag;
    fetch(api, { credentials: "same-origin", cache: "no-store", headers: headers })
      .then(function (response) {
        if (response.status === 304) return null;
        if (!response.ok) throw new Error(String(response.status));
        etag = response.headers.get("ETag");
        return response.json();
      })
      .then(function (figures) {
        if (figures) update(figures);
        lastSuccess = new Date();
        say(gettext("Updated at %(time)s."));
        root.setAttribute("data-cf-updated", String(lastSuccess.getTime()));
      })
      .catch(function () {
        say(gettext(
          "The statistics could not be updated (is the connection down?); trying again. These are from %(time)s."));
      })
      .then(function () { busy = false; });
  }

  var timer = window.setInterval(poll, pollMs);
  document.addEventListener("visibilitychange", function () { if (!document.hidden) poll(); });
})();
