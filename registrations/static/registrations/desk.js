/* confman check-in desk: camera scanning (qr-scanner, vendored), typed codes sent without a
   page load, a big answer in words and colour, and a sound (two tones for "admitted", one low
   tone otherwise). Without JavaScript the forms post to the server and the page answers.

   Offline: the desk keeps the event's check-in list (badge codes as SHA-256, names, who is
   inside) in localStorage and refreshes it while online. When the server cannot be reached it
   answers from the list, keeps the scan in a queue and uploads the queue when the network is
   back; the server merges scans by scan time, first entry wins, later duplicates are flagged.
   The line under the heading says whether the device is online, how old its list is and what
   waits to upload. */
(function () {
  "use strict";
  var desk = document.querySelector("[data-desk]");
  if (!desk || !window.fetch) return;
  var answer = desk.querySelector("[data-desk-answer]");
  var form = desk.querySelector("[data-desk-form]");
  var gate = desk.querySelector("[data-desk-gate]");
  var door = desk.querySelector("[data-desk-session]");
  var syncLine = desk.querySelector("[data-desk-sync]");
  var csrf = (form.querySelector("input[name=csrfmiddlewaretoken]") || {}).value || "";
  var slug = desk.getAttribute("data-event");
  var zone = desk.getAttribute("data-tz");
  var REQUEST_TIMEOUT = 4000;
  var NO_LIST = gettext("Offline, and this device has no check-in list yet: check the badge by hand.");

  function load(key, fallback) {
    try {
      var value = window.localStorage.getItem(key);
      return value === null ? fallback : JSON.parse(value);
    } catch (e) { return fallback; }
  }
  function save(key, value) {
    try { window.localStorage.setItem(key, JSON.stringify(value)); return true; } catch (e) { return false; }
  }
  var KEYS = {
    device: "confman.desk.device",
    list: "confman.desk." + slug + ".list",
    queue: "confman.desk." + slug + ".queue",
    report: "confman.desk." + slug + ".report"
  };
  var device = load(KEYS.device, null);
  if (!device) {
    device = "desk-" + Math.random().toString(36).slice(2, 10);
    save(KEYS.device, device);
  }
  var list = load(KEYS.list, null);
  var queue = load(KEYS.queue, []);
  var report = load(KEYS.report, null); // the last upload: when, how many, flagged, refused
  var online = navigator.onLine !== false;
  var uploading = false;
  var index = {};      // badge hash -> entry
  var revoked = {};    // badge hash -> reason
  var inside = {};     // "hash|session" -> true/false, the list's view plus this device's scans
  var searched = null; // the list's entries' folded text, made at the first search after a rebuild

  // SHA-256 (FIPS 180-4), synchronous, so the desk hashes a code the same way with or without
  // crypto.subtle (which exists only on HTTPS or localhost).
  var K = [];
  (function () {
    var n = 2, found = 0;
    function frac(x) { return ((x - Math.floor(x)) * 4294967296) | 0; }
    while (found < 64) {
      var prime = true;
      for (var d = 2; d * d <= n; d++) if (n % d === 0) { prime = false; break; }
      if (prime) { K[found++] = frac(Math.pow(n, 1 / 3)); }
      n++;
    }
  })();
  function sha256hex(text) {
    var bytes = unescape(encodeURIComponent(text)), words = [], i, j;
    var bitLength = bytes.length * 8;
    for (i = 0; i < bytes.length; i++) words[i >> 2] |= bytes.charCodeAt(i) << (24 - (i % 4) * 8);
    words[bitLength >> 5] |= 0x80 << (24 - bitLength % 32);
    words[(((bitLength + 64) >> 9) << 4) + 15] = bitLength;
    var h = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
    function rotr(x, r) { return (x >>> r) | (x << (32 - r)); }
    for (i = 0; i < words.length; i += 16) {
      var w = [], a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], k = h[7];
      for (j = 0; j < 64; j++) {
        if (j < 16) w[j] = words[i + j] | 0;
        else {
          var s0 = rotr(w[j - 15], 7) ^ rotr(w[j - 15], 18) ^ (w[j - 15] >>> 3);
          var s1 = rotr(w[j - 2], 17) ^ rotr(w[j - 2], 19) ^ (w[j - 2] >>> 10);
          w[j] = (w[j - 16] + s0 + w[j - 7] + s1) | 0;
        }
        var t1 = (k + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[j] + w[j]) | 0;
        var t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) | 0;
        k = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
      }
      h = [h[0] + a, h[1] + b, h[2] + c, h[3] + d, h[4] + e, h[5] + f, h[6] + g, h[7] + k].map(function (x) { return x | 0; });
    }
    return h.map(function (x) { return ("00000000" + (x >>> 0).toString(16)).slice(-8); }).join("");
  }
  function badgeHash(secret) { return sha256hex(secret).slice(0, 32); }

  // The desk's words come from Django's JavaScript catalog (djangojs.po).
  function format(text, values) { return interpolate(text, values, true); }
  function clock(iso) {
    try {
      // In the event's zone, with its offset, as the server's own answers say it: "14:05 (UTC+08:00)".
      return confman.zonedTime(iso, zone);
    } catch (e) { return new Date(iso).toISOString().slice(11, 16) + " (UTC+00:00)"; }
  }
  function where() { return door && door.value ? door.value : ""; }
  function placeKey(hash, session) { return hash + "|" + (session || ""); }

  // The list and what this device did since it came: the state answers are made from.
  function rebuild() {
    index = {}; revoked = {}; inside = {}; searched = null;
    if (list) {
      list.entries.forEach(function (entry) {
        index[entry.hash] = entry;
        if (entry.inside) {
          inside[placeKey(entry.hash, "")] = true;
          inside[placeKey(entry.hash, "") + "@"] = entry.inside_since;
        }
      });
      list.revoked.forEach(function (item) { revoked[item.hash] = item.reason; });
    }
    queue.forEach(function (scan) {
      if (scan.answered !== "ok") return;
      inside[placeKey(scan.hash, scan.session)] = scan.type === "entry";
      if (scan.type === "entry") inside[placeKey(scan.hash, scan.session) + "@"] = scan.scanned_at;
    });
  }

  function showSync(state) {
    if (!syncLine) return;
    var parts = [online ? pgettext("connection", "Online") : pgettext("connection", "Offline")];
    if (list) {
      var people = list.entries.length;
      parts.push(format(ngettext("list of %(time)s, %(count)s person", "list of %(time)s, %(count)s people", people),
        { time: clock(list.generated_at), count: people }));
    } else parts.push(gettext("no check-in list on this device yet"));
    var waiting = queue.length;
    if (state === "uploading") {
      parts.push(format(ngettext("uploading %(count)s scan…", "uploading %(count)s scans…", waiting), { count: waiting }));
    } else if (waiting) {
      parts.push(format(ngettext("%(count)s scan waiting to upload", "%(count)s scans waiting to upload", waiting), { count: waiting }));
    } else parts.push(gettext("nothing waiting to upload"));
    if (report) {
      var last = format(ngettext("last upload %(time)s: %(count)s scan", "last upload %(time)s: %(count)s scans", report.count),
        { time: clock(report.at), count: report.count });
      if (report.flagged) {
        last += "; " + format(ngettext("%(count)s flagged as a duplicate for the organisers",
          "%(count)s flagged as duplicates for the organisers", report.flagged), { count: report.flagged });
      }
      if (report.refused) {
        last += "; " + format(ngettext("%(count)s refused by the server: %(reason)s",
          "%(count)s refused by the server: %(reason)s", report.refused), { count: report.refused, reason: report.reason });
      }
      parts.push(last);
    }
    syncLine.textContent = parts.join(" · ");
    syncLine.className = "desk-sync" + (online ? "" : " desk-sync--offline");
    syncLine.hidden = false;
    syncLine.setAttribute("data-state", online ? (queue.length ? "waiting" : "synced") : "offline");
    syncLine.setAttribute("data-queue", String(queue.length));
  }

  function request(url, options) {
    var controller = window.AbortController ? new AbortController() : null;
    var timer = controller ? setTimeout(function () { controller.abort(); }, REQUEST_TIMEOUT) : null;
    options = options || {};
    options.credentials = "same-origin";
    if (controller) options.signal = controller.signal;
    return fetch(url, options).then(function (response) {
      if (timer) clearTimeout(timer);
      if (response.status >= 500) throw new Error("server " + response.status);
      return response;
    }, function (error) { if (timer) clearTimeout(timer); throw error; });
  }

  function refreshList() {
    var headers = { "Accept": "application/json" };
    if (list) headers["If-None-Match"] = '"' + list.version + '"';
    return request(desk.getAttribute("data-list"), { headers: headers }).then(function (response) {
      online = true;
      if (response.status === 304) return;
      if (!response.ok) return;
      return response.json().then(function (body) {
        list = body;
        if (!save(KEYS.list, list)) { /* storage full: the list still works until the page closes */ }
        rebuild();
      });
    }).catch(function () { online = false; }).then(function () { showSync(); });
  }

  function upload() {
    if (uploading || !queue.length) return Promise.resolve();
    uploading = true;
    var batch = queue.slice(0, 500);
    showSync("uploading");
    return request(desk.getAttribute("data-sync"), {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, "Accept": "application/json" },
      body: JSON.stringify({
        device: device,
        list_version: list ? list.version : "",
        list_signature: list ? list.signature : "",
        scans: batch.map(function (scan) {
          var out = { type: scan.type, gate: scan.gate, scanned_at: scan.scanned_at, nonce: scan.nonce,
                      session: scan.session ? Number(scan.session) : null, answered: scan.answered };
          if (scan.reference) out.reference = scan.reference; else out.secret = scan.secret;
          return out;
        })
      })
    }).then(function (response) {
      online = true;
      if (!response.ok) throw new Error("refused " + response.status);
      return response.json();
    }).then(function (body) {
      var done = {}, flagged = 0, refused = 0, reason = "";
      body.results.forEach(function (result) {
        done[result.nonce] = true;
        if (result.flagged) flagged++;
        if (result.status === "error" && (result.reason === "validation_error" || result.reason === "not_found")) {
          refused++; reason = result.message;
        }
      });
      queue = queue.filter(function (scan) { return !done[scan.nonce]; });
      save(KEYS.queue, queue);
      report = { at: new Date().toISOString(), count: body.results.length, flagged: flagged, refused: refused, reason: reason };
      save(KEYS.report, report);
      uploading = false;
      return refreshList();
    }).catch(function () {
      uploading = false;
      online = navigator.onLine !== false && online;
      showSync();
    });
  }

  var audio = null;
  function beep(ok) {
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      var tones = ok ? [880, 1320] : [220];
      tones.forEach(function (hz, i) {
        var osc = audio.createOscillator(), gain = audio.createGain();
        osc.frequency.value = hz; gain.gain.value = 0.15;
        osc.connect(gain); gain.connect(audio.destination);
        osc.start(audio.currentTime + i * 0.15); osc.stop(audio.currentTime + i * 0.15 + (ok ? 0.12 : 0.4));
      });
    } catch (e) { /* no audio: the words and colour still say it */ }
  }
  function nonce() {
    return (window.crypto && crypto.randomUUID) ? crypto.randomUUID() : String(Date.now()) + Math.random().toString(36).slice(2);
  }
  // Each part is text, or nodes (a sentence with a person's name isolated in it).
  function show(kind, verdict, message, person, note) {
    answer.className = "desk-answer desk-answer--" + kind;
    answer.setAttribute("data-result", kind);
    answer.textContent = "";
    [["desk-answer__verdict", verdict], ["desk-answer__message", message], ["desk-answer__person", person],
     ["desk-answer__offline", note]].forEach(function (part) {
      if (!part[1]) return;
      var p = document.createElement("p");
      p.className = part[0];
      if (typeof part[1] === "string") p.textContent = part[1]; else p.appendChild(part[1]);
      answer.appendChild(p);
    });
  }
  // "name · organisation · ticket": the registrant's own words, each in a <bdi>.
  function describe(p) {
    if (!p) return "";
    var line = document.createDocumentFragment();
    [p.name, p.organization, p.ticket].filter(Boolean).forEach(function (text, i) {
      if (i) line.appendChild(document.createTextNode(" · "));
      line.appendChild(confman.bdi(text));
    });
    if (p.accessibility_needs) {
      line.appendChild(document.createTextNode(" — " + gettext("Accessibility:") + " "));
      line.appendChild(confman.bdi(p.accessibility_needs));
    }
    return line;
  }
  function verdict(status, reason, type, message, person, note) {
    if (status === "ok") {
      show("ok", type === "exit" ? gettext("CHECKED OUT") : gettext("ADMITTED"), message, describe(person), note);
      beep(true);
    } else {
      var already = reason === "already_checked_in";
      show(already ? "warn" : "bad", already ? gettext("ALREADY CHECKED IN") : gettext("NOT ADMITTED"), message, describe(person), note);
      beep(false);
    }
  }

  // Answer from the list, as the server would, and queue the scan for upload. `who` is the
  // code a badge gave ({secret}) or the list's entry for a person found by name ({entry}).
  function answerOffline(who, type, id) {
    var hash = who.entry ? who.entry.hash : badgeHash(who.secret), session = where();
    var entry = index[hash], key = placeKey(hash, session), result, message;
    var now = new Date();
    if (!list) { result = "unknown"; message = NO_LIST; }
    else if (now < new Date(list.opens_at)) { result = "not_open"; message = gettext("Check-in is not open yet."); }
    else if (!entry) {
      result = revoked.hasOwnProperty(hash) ? "revoked" : "unknown";
      message = result === "revoked"
        ? gettext("This badge no longer admits anyone. Send the person to the help desk.")
        : gettext("This code is not a badge of this event.");
    } else if (entry.state !== "confirmed") { result = "not_confirmed"; message = gettext("This registration is not confirmed."); }
    else if (entry.mode !== "in_person") { result = "not_in_person"; message = gettext("Registered to attend online, not in person."); }
    else if (type === "entry" && inside[key]) {
      result = "already_checked_in";
      message = confman.sentence(gettext("Already checked in at %(time)s."),
        { time: inside[key + "@"] ? clock(inside[key + "@"]) : "?" }, ["time"]); // "14:05 (UTC+08:00)" reads left to right
    } else if (type === "exit" && !inside[key]) { result = "not_checked_in"; message = gettext("Not checked in, so cannot be checked out."); }
    else {
      result = "ok";
      message = confman.sentence(type === "exit" ? gettext("Goodbye, %(name)s.") : gettext("Welcome, %(name)s."),
        { name: entry.name }, ["name"]);
      inside[key] = type === "entry";
      if (type === "entry") inside[key + "@"] = now.toISOString();
    }
    var scan = { hash: hash, type: type, gate: gate.value, session: session,
                 scanned_at: now.toISOString(), nonce: id, answered: result };
    if (who.entry) scan.reference = who.entry.reference; else scan.secret = who.secret;
    queue.push(scan);
    save(KEYS.queue, queue);
    var person = entry ? { name: entry.name, organization: entry.organization, ticket: entry.ticket,
                           accessibility_needs: entry.accessibility_needs } : null;
    verdict(result, result, type, message, person,
      list ? gettext("Offline: answered from this device's list; saved, and uploaded when the network is back.") : "");
    showSync();
  }

  function send(secret, type) {
    type = type || "entry";
    var id = nonce();
    if (!online || navigator.onLine === false) {
      answerOffline({ secret: secret }, type, id);
      return Promise.resolve();
    }
    show("wait", "", gettext("Checking…"), "");
    var session = where();
    return request(desk.getAttribute("data-api"), {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, "Accept": "application/json" },
      body: JSON.stringify({ secret: secret, device: device, gate: gate.value, type: type, nonce: id,
                             session: session ? Number(session) : null })
    }).then(confman.readJSON).then(function (result) {
      var json = result.json;
      if (result.status !== 200) {
        show("bad", gettext("NOT ADMITTED"), json.detail || gettext("The answer could not be read; try again."), "");
        beep(false);
        return;
      }
      if (json.status === "ok") {
        var key = placeKey(badgeHash(secret), session);
        inside[key] = type === "entry";
        inside[key + "@"] = json.scanned_at;
      }
      verdict(json.status, json.reason, type, json.message, json.person, "");
      if (queue.length) upload();
    }).catch(function () {
      // No answer in time: answer from the list. The scan keeps its nonce, so if the server did
      // record it, the upload is answered with that record and nothing counts twice.
      online = false;
      answerOffline({ secret: secret }, type, id);
    });
  }

  form.addEventListener("submit", function (event) {
    var input = form.querySelector("input[name=secret]");
    var code = input.value.trim();
    if (!code) return; // let the server say what is missing
    event.preventDefault();
    var type = event.submitter && event.submitter.value === "exit" ? "exit" : "entry";
    send(code, type).then(function () { input.value = ""; input.focus(); });
  });
  // No badge, and no network: find the person on this device's list instead of asking the
  // server, and check them in from there (queued like a scan, naming them by reference).
  var find = desk.querySelector("[data-desk-find]");
  var found = desk.querySelector("[data-desk-found]");
  // Folded as the server folds (registrations.models.search_fold): compatibility-decomposed,
  // without marks (accents), lower case, with the page's table of letters that carry no
  // separable accent (ø, ł, ß…). Each word of the query must be part of the name, email,
  // reference, or organisation name or acronym, as in registrations.selectors.registrations_matching.
  var folds = {};
  try { folds = JSON.parse(desk.getAttribute("data-folds") || "{}"); } catch (e) { folds = {}; }
  var foldable = Object.keys(folds).length
    ? new RegExp("[" + Object.keys(folds).join("").replace(/[\]\\^-]/g, "\\$&") + "]", "g") : null;
  var marks;
  try { marks = new RegExp("\\p{M}", "gu"); } catch (e) { marks = /[\u0300-\u036f]/g; }
  function fold(text) {
    var bare = String(text || "").normalize("NFKD").replace(marks, "").toLowerCase();
    return foldable ? bare.replace(foldable, function (letter) { return folds[letter]; }) : bare;
  }
  function mayPassDoor(entry) { return entry.state === "confirmed" && entry.mode === "in_person"; }
  function findOffline(query) {
    var words = fold(query).split(/\s+/).filter(Boolean);
    if (list && words.length && !searched) {
      searched = list.entries.map(function (entry) {
        return fold([entry.name, entry.email, entry.reference, entry.organization,
                     entry.organization_acronym].join(" "));
      });
    }
    var matches = !list || !words.length ? [] : list.entries.filter(function (entry, i) {
      return words.every(function (word) { return searched[i].indexOf(word) !== -1; });
    }).slice(0, 20);
    found.textContent = "";
    var heading = document.createElement("p");
    if (list && !matches.length) {
      heading.appendChild(confman.sentence(gettext("Nobody on this device's list matches “%(query)s”."),
        { query: query.trim() }, ["query"]));
    } else {
      heading.textContent = !list ? NO_LIST
        : gettext("Offline: found on this device's list. Checking in is saved and uploaded later.");
    }
    found.appendChild(heading);
    if (!matches.length) return;
    var ul = document.createElement("ul");
    ul.className = "desk-matches";
    matches.forEach(function (entry) {
      // The same markup as the server's list of matches (.desk-match).
      var li = document.createElement("li"), row = document.createElement("div");
      var line = document.createElement("span"), strong = document.createElement("strong");
      var button = document.createElement("button"), hidden = document.createElement("span");
      strong.appendChild(confman.bdi(entry.name));
      line.appendChild(strong);
      [entry.organization, entry.ticket].filter(Boolean).forEach(function (text) {
        line.appendChild(document.createTextNode(" · "));
        line.appendChild(confman.bdi(text));
      });
      row.className = "desk-match";
      row.appendChild(line);
      if (mayPassDoor(entry)) {
        button.type = "button";
        button.textContent = gettext("Check in");
        hidden.className = "visually-hidden"; hidden.textContent = " ";
        hidden.appendChild(confman.bdi(entry.name));
        button.appendChild(hidden);
        button.addEventListener("click", function () {
          answerOffline({ entry: entry }, "entry", nonce());
          answer.scrollIntoView({ block: "nearest" });
        });
        row.appendChild(button);
      } else {
        // The list holds confirmed badges only, so this is someone attending online.
        var note = document.createElement("span");
        note.className = "muted";
        note.textContent = entry.state === "confirmed" ? gettext("Attends online: no door check-in")
          : gettext("Not confirmed: no check-in");
        row.setAttribute("data-no-check-in", "");
        row.appendChild(note);
      }
      li.appendChild(row);
      ul.appendChild(li);
    });
    found.appendChild(ul);
  }
  if (find && found) {
    find.addEventListener("submit", function (event) {
      if (online && navigator.onLine !== false) return; // the server searches everyone, emails too
      event.preventDefault();
      findOffline(find.querySelector("input[name=q]").value);
    });
  }
  if (door) {
    // The door is part of the desk's address, so a reload (and the forms without JavaScript) keep it.
    door.addEventListener("change", function () {
      var url = new URL(window.location.href);
      if (door.value) url.searchParams.set("session", door.value); else url.searchParams.delete("session");
      window.history.replaceState(null, "", url.toString());
    });
  }

  window.addEventListener("online", function () { online = true; upload(); refreshList(); });
  window.addEventListener("offline", function () { online = false; showSync(); });
  rebuild();
  showSync();
  refreshList().then(upload);
  // Keep the list fresh and retry the upload; a quiet minute costs one 304.
  var pause = 15000;
  (function tick() {
    setTimeout(function () {
      (queue.length ? upload() : refreshList()).then(tick, tick);
    }, queue.length ? 5000 : pause);
  })();

  // The camera, where the browser has one and the library loaded.
  var start = desk.querySelector("[data-desk-start]");
  if (!window.QrScanner || !navigator.mediaDevices) return;
  window.QrScanner.WORKER_PATH = desk.getAttribute("data-worker");
  start.hidden = false;
  var last = { code: "", at: 0 };
  start.addEventListener("click", function () {
    var box = desk.querySelector("[data-desk-camera]");
    box.hidden = false;
    start.hidden = true;
    var scanner = new window.QrScanner(desk.querySelector("[data-desk-video]"), function (result) {
      var code = (result && result.data) || result;
      var now = Date.now();
      if (code === last.code && now - last.at < 3000) return; // the same badge still in view
      last = { code: code, at: now };
      send(code, "entry");
    }, { returnDetailedScanResult: true });
    scanner.start().catch(function () {
      box.hidden = true;
      show("bad", gettext("NO CAMERA"), gettext("The camera could not start; type the code instead."), "");
    });
  });
})();
