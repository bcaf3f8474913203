/* confman: the helpers every page script uses, as window.confman (there is no bundler; load
   this before the page's own script). Pages hand their scripts translated strings with
   {{ value|json_script:"id" }}; the scripts fill their {name} slots and write times on a given
   zone's clock, as the server does. */
(function () {
  "use strict";
  var CLOCK = Object.freeze({ hour: "2-digit", minute: "2-digit", hourCycle: "h23" });

  // The data a page put in a json_script block.
  function jsonScript(id) {
    return JSON.parse(document.getElementById(id).textContent);
  }

  // "Welcome, {name}." with values; a slot without a value stays as written.
  function fill(template, values) {
    return String(template).replace(/\{(\w+)\}/g, function (all, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : all;
    });
  }

  // A moment (a Date or an ISO 8601 string) on `zone`'s clock (undefined: the browser's), in
  // `options` (default: 24-hour "14:05") and `locale` (default: the page's language; [] for the
  // browser's). Throws what Intl throws, for callers that have a plainer fallback.
  function time(moment, zone, options, locale) {
    var language = locale === undefined ? document.documentElement.lang || undefined : locale;
    var settings = Object.assign({ timeZone: zone || undefined }, options || CLOCK);
    return new Intl.DateTimeFormat(language, settings).format(new Date(moment));
  }

  // The zone's offset at that moment as events.timezones.offset_label writes it: "UTC+08:00",
  // "UTC−03:30" (with a true minus), "UTC+00:00"; "" where the browser cannot say.
  function utcOffset(moment, zone) {
    try {
      var part = new Intl.DateTimeFormat("en-US", { timeZone: zone, timeZoneName: "longOffset" })
        .formatToParts(new Date(moment)).filter(function (p) { return p.type === "timeZoneName"; })[0];
      var value = part ? part.value : "GMT";
      return value === "GMT" ? "UTC+00:00" : value.replace("GMT", "UTC").replace("-", "\u2212");
    } catch (e) { return ""; }
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
    fill: fill,
    jsonScript: jsonScript,
    readJSON: readJSON,
    time: time,
    utcOffset: utcOffset,
    viewerZone: viewerZone
  };
})();
