/* confman: the helpers every page script uses, as window.confman (there is no bundler; load
   this before the page's own script). A page script's own words come from Django's JavaScript
   catalog (djangojs.po, loaded before it with {% url 'javascript-catalog' %}): gettext,
   ngettext, pgettext and interpolate(format, {name: value}, true) for "%(name)s". Data a page
   hands its script comes in {{ value|json_script:"id" }}. Times are written on a given zone's
   clock, as the server writes them: 24-hour, Western digits, "14:05 (UTC+08:00)". */
(function () {
  "use strict";
  var CLOCK = Object.freeze({ hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  // What the server writes in every language: Western digits and a 24-hour clock.
  var SERVER_STYLE = Object.freeze({ numberingSystem: "latn", hourCycle: "h23" });

  // The data a page put in a json_script block.
  function jsonScript(id) {
    return JSON.parse(document.getElementById(id).textContent);
  }

  // "Welcome, {name}." with values; a slot without a value stays as written (for strings a
  // template hands over in data- attributes; the scripts' own use the catalog's interpolate).
  function fill(template, values) {
    return String(template).replace(/\{(\w+)\}/g, function (all, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : all;
    });
  }

  // A moment (a Date or an ISO 8601 string) on `zone`'s clock (undefined: the browser's), in
  // `options` (default: 24-hour "14:05") and `locale` (default: the page's language), always
  // with Western digits and a 24-hour clock, as the server writes them. Throws what Intl
  // throws, for callers that have a plainer fallback.
  function time(moment, zone, options, locale) {
    var language = locale === undefined ? document.documentElement.lang || undefined : locale;
    var settings = Object.assign({ timeZone: zone || undefined }, options || CLOCK, SERVER_STYLE);
    delete settings.hour12; // it would override hourCycle
    return new Intl.DateTimeFormat(language, settings).format(new Date(moment));
  }

  // The zone's offset at that moment as events.timezones.offset_label writes it, whatever the
  // page's language: "UTC+08:00", "UTC−03:30" (with a true minus), "UTC+00:00"; "" where the
  // browser cannot say.
  function utcOffset(moment, zone) {
    try {
      var date = new Date(moment);
      var parts = {};
      new Intl.DateTimeFormat("en-US", {
        timeZone: zone || undefined, numberingSystem: "latn", hourCycle: "h23", year: "numeric",
        month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", second: "numeric"
      }).formatToParts(date).forEach(function (p) { parts[p.type] = parseInt(p.value, 10); });
      // The zone's wall clock read as if it were UTC, minus the moment itself: the offset.
      var wall = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour % 24, parts.minute, parts.second);
      var minutes = Math.round((wall - Math.floor(date.getTime() / 1000) * 1000) / 60000);
      if (isNaN(minutes)) return "";
      var sign = minutes < 0 ? "\u2212" : "+";
      minutes = Math.abs(minutes);
      function two(n) { return (n < 10 ? "0" : "") + n; }
      return "UTC" + sign + two(Math.floor(minutes / 60)) + ":" + two(minutes % 60);
    } catch (e) { return ""; }
  }

  // A moment on `zone`'s clock with the zone's offset, as the server's answers write it:
  // "14:05 (UTC+08:00)" (the offset left out where the browser cannot say it).
  function zonedTime(moment, zone, options) {
    var offset = utcOffset(moment, zone);
    return time(moment, zone, options) + (offset ? " (" + offset + ")" : "");
  }

  // A translated sentence with its values, as interpolate(format, values, true) writes it, but
  // as nodes to append: each value named in `isolate` (the event's own words: a title, a name, a
  // room) in a <bdi>, as the templates' |bdi does, so that an English title in an Arabic
  // sentence, or an Arabic name in an English one, keeps its own direction without reordering
  // the words around it. A value may be a node already (a part built the same way).
  function sentence(format, values, isolate) {
    var fragment = document.createDocumentFragment();
    String(format).split(/%\(([^)]+)\)s/).forEach(function (part, i) {
      if (i % 2 === 0) {
        if (part) fragment.appendChild(document.createTextNode(part));
        return;
      }
      var value = values[part];
      if (value instanceof Node) fragment.appendChild(value.cloneNode(true));
      else if (isolate && isolate.indexOf(part) >= 0) fragment.appendChild(bdi(value));
      else fragment.appendChild(document.createTextNode(String(value)));
    });
    return fragment;
  }

  // <bdi>text</bdi>: one of the event's own words, isolated (empty text: an empty text node).
  function bdi(text) {
    if (text === undefined || text === null || text === "") return document.createTextNode("");
    var node = document.createElement("bdi");
    node.textContent = String(text);
    return node;
  }

  // The zone the browser reports for the viewer, or null.
  function viewerZone() {
    try { return Intl.DateTimeFormat().resolvedOptions().timeZone || null; } catch (e) { return null; }
  }

  // A fetch response with its JSON body, as { status, json }.
  function readJSON(response) {
    return response.json().then(function (json) { return { status: response.status, json: json }; });
  }

  window.confman = {
    CLOCK: CLOCK,
    bdi: bdi,
    fill: fill,
    jsonScript: jsonScript,
    readJSON: readJSON,
    sentence: sentence,
    time: time,
    utcOffset: utcOffset,
    viewerZone: viewerZone,
    zonedTime: zonedTime
  };
})();
