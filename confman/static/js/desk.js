/* confman check-in desk: camera scanning (qr-scanner, vendored), typed codes sent without a
   page load, a big answer in words and colour, and a sound (two tones for "admitted", one low
   tone otherwise). Without JavaScript the forms post to the server and the page answers. */
(function () {
  "use strict";
  var desk = document.querySelector("[data-desk]");
  if (!desk || !window.fetch) return;
  var strings = JSON.parse(document.getElementById("desk-strings").textContent);
  var answer = desk.querySelector("[data-desk-answer]");
  var form = desk.querySelector("[data-desk-form]");
  var gate = desk.querySelector("[data-desk-gate]");
  var csrf = (form.querySelector("input[name=csrfmiddlewaretoken]") || {}).value || "";
  var KEY = "confman.desk.device";
  var device = null;
  try { device = window.localStorage.getItem(KEY); } catch (e) { /* private mode */ }
  if (!device) {
    device = "desk-" + Math.random().toString(36).slice(2, 10);
    try { window.localStorage.setItem(KEY, device); } catch (e) { /* private mode */ }
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
    return (window.crypto && crypto.randomUUID) ? crypto.randomUUID() : String(Date.now()) + Math.random();
  }
  function show(kind, verdict, message, person) {
    answer.className = "desk-answer desk-answer--" + kind;
    answer.textContent = "";
    [["desk-answer__verdict", verdict], ["desk-answer__message", message], ["desk-answer__person", person]]
      .forEach(function (part) {
        if (!part[1]) return;
        var p = document.createElement("p");
        p.className = part[0]; p.textContent = part[1];
        answer.appendChild(p);
      });
  }
  function send(secret, type) {
    show("wait", "", strings.checking, "");
    return fetch(desk.getAttribute("data-api"), {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, "Accept": "application/json" },
      body: JSON.stringify({ secret: secret, device: device, gate: gate.value, type: type || "entry", nonce: nonce() })
    }).then(function (response) {
      return response.json().then(function (json) { return { status: response.status, json: json }; });
    }).then(function (result) {
      var json = result.json;
      if (result.status !== 200) {
        show("bad", strings.notAdmitted, json.detail || strings.failed, "");
        beep(false);
        return;
      }
      var p = json.person;
      var who = p ? [p.name, p.organization, p.ticket].filter(Boolean).join(" · ") +
        (p.accessibility_needs ? " — " + strings.accessibility + " " + p.accessibility_needs : "") : "";
      if (json.status === "ok") {
        show("ok", type === "exit" ? strings.checkedOut : strings.admitted, json.message, who);
        beep(true);
      } else {
        show(json.reason === "already_checked_in" ? "warn" : "bad",
          json.reason === "already_checked_in" ? strings.already : strings.notAdmitted, json.message, who);
        beep(false);
      }
    }).catch(function () {
      show("bad", strings.notAdmitted, strings.offline, "");
      beep(false);
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
      show("bad", strings.noCamera, strings.typeInstead, "");
    });
  });
})();
