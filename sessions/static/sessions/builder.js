/* confman agenda builder: move sessions by drag and drop or by keyboard (Alt + arrows, Enter to
   save, Escape to cancel), with conflicts checked as you move (a dry run of the move API) and
   the move saved through the same API and services as every other change. What a move meets is
   said in the status line (a live region, for screen readers) and shown in a note beside the
   card, where the eyes are while dragging; the card's time follows the pointer. Without
   JavaScript, each session links to its edit page, which does the same with a form. */
(function () {
  "use strict";
  var grid = document.querySelector("[data-builder]");
  if (!grid || !window.fetch) return;
  var status = document.querySelector("[data-builder-status]");
  var slug = grid.getAttribute("data-event");
  var dayStart = new Date(grid.getAttribute("data-day-start"));
  var STEP = parseInt(grid.getAttribute("data-step"), 10) || 5;
  var HEADER_ROWS = 1;
  var MOVE_CANCELLED = gettext("Move cancelled; nothing was saved.");
  var NO_CONNECTION = gettext("No connection to the server: nothing was saved.");
  var csrf = (document.querySelector("[data-builder-csrf] input[name=csrfmiddlewaretoken]") || {}).value || "";

  var columns = Array.prototype.slice.call(grid.querySelectorAll("[data-room-column]")).map(function (el) {
    return { column: parseInt(el.getAttribute("data-room-column"), 10), room: el.getAttribute("data-room"), name: el.textContent.trim(), el: el };
  });

  // The note beside the card being moved: a grid item placed under the card (after it in the
  // list of a narrow screen), hidden from screen readers, which hear the status line instead.
  var note = document.createElement("li");
  note.className = "builder-note";
  note.setAttribute("aria-hidden", "true");
  note.setAttribute("data-builder-note", "");
  note.hidden = true;
  grid.appendChild(note);
  var noteTimer = null;
  function fill(element, parts) {
    element.textContent = "";
    [].concat(parts).forEach(function (part) {
      element.appendChild(typeof part === "string" ? document.createTextNode(part) : part.cloneNode(true));
    });
  }
  function showNote(item, parts, kind) {
    clearTimeout(noteTimer);
    fill(note, parts);
    var column = parseInt(item.style.gridColumnStart, 10) || 1;
    var last = columns.length && column === columns[columns.length - 1].column && columns.length > 1;
    note.className = "builder-note" + (kind ? " is-" + kind : "") + (last ? " is-at-end" : "");
    note.style.gridColumn = String(column);
    note.style.gridRow = (parseInt(item.style.gridRowEnd, 10) || 2) + " / span 1";
    item.parentNode.insertBefore(note, item.nextSibling);
    note.hidden = false;
    // While a move goes on, the note stays with the card; after it, a refusal stays until the
    // next move or a click elsewhere, and the rest fades.
    if (!current && kind !== "bad") noteTimer = setTimeout(hideNote, 5000);
  }
  function hideNote() {
    clearTimeout(noteTimer);
    note.hidden = true;
  }
  document.addEventListener("pointerdown", function (event) {
    if (!current && !note.hidden && !note.contains(event.target)) hideNote();
  });

  // The status line: text, or a list of parts (text, and nodes such as a move's position, whose
  // title and room are isolated; a node is copied, so a part can be said again); shown beside
  // `item` too when given.
  function say(parts, kind, item) {
    fill(status, parts);
    status.className = "builder-status" + (kind ? " is-" + kind : "");
    if (item) showNote(item, parts, kind);
    else hideNote();
  }
  function minutesBetween(a, b) { return Math.round((b - a) / 60000); }
  function rowOf(date) { return HEADER_ROWS + 1 + Math.floor(minutesBetween(dayStart, date) / STEP); }
  function columnOfRoom(room) {
    for (var i = 0; i < columns.length; i++) if (columns[i].room === room) return columns[i];
    return columns[0];
  }
  function clock(date) { return confman.time(date, grid.getAttribute("data-zone")); }
  // The builder's words come from Django's JavaScript catalog (djangojs.po); confman.sentence
  // fills them as interpolate does, with the event's own words isolated.

  function state(item) {
    var start = new Date(item.getAttribute("data-start"));
    var end = new Date(item.getAttribute("data-end"));
    return { item: item, id: item.getAttribute("data-session"), title: item.getAttribute("data-title"),
      start: start, end: end, room: item.getAttribute("data-room"), origStyle: item.getAttribute("style"),
      when: item.querySelector(".agenda-item__when"), next: null };
  }
  function place(move) {
    var length = move.end - move.start;
    var newEnd = new Date(move.newStart.getTime() + length);
    var col = columnOfRoom(move.newRoom);
    // Before the grid's first hour the item stays at the top rather than over the room names
    // (row 1), on a line 0 (invalid) or a negative line (counted from the grid's end).
    var first = Math.max(rowOf(move.newStart), HEADER_ROWS + 1);
    move.item.style.gridColumn = String(col.column);
    move.item.style.gridRow = first + " / " + Math.max(rowOf(newEnd), first + 1);
    // The card says the time it would have, not the one it had: a label of its own, shown
    // instead of the saved time (which changes only once the move is saved) while it moves.
    if (move.when) {
      if (!move.next) {
        move.next = document.createElement("span");
        move.next.className = "builder-item__when-next";
        move.next.setAttribute("data-when-next", "");
        move.when.parentNode.insertBefore(move.next, move.when.nextSibling);
      }
      move.next.textContent = clock(move.newStart) + "\u2013" + clock(newEnd);
    }
    return { end: newEnd, roomName: col.name };
  }
  // Where the move puts the session, in words; its title and the room (the event's own words,
  // in whatever language) each in a <bdi>.
  function describe(move) {
    var placed = place(move);
    return confman.sentence(gettext("“%(title)s” at %(start)s–%(end)s in %(room)s."), {
      title: move.title, start: clock(move.newStart), end: clock(placed.end), room: placed.roomName
    }, ["title", "room"]);
  }
  function body(move, extra) {
    var data = { start: move.newStart.toISOString() };
    if (move.newRoom) data.room_id = parseInt(move.newRoom, 10);
    for (var key in extra) data[key] = extra[key];
    return JSON.stringify(data);
  }
  function post(move, extra) {
    return fetch("/api/events/" + encodeURIComponent(slug) + "/sessions/" + move.id + "/move", {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, "Accept": "application/json" },
      body: body(move, extra)
    }).then(confman.readJSON);
  }
  function conflictText(conflicts) {
    return conflicts.map(function (c) { return c.message; }).join(" ");
  }
  // Why a move was not saved. The server's answer to a clash already begins "Not saved:"; any
  // other refusal (invalid, forbidden) is prefixed here.
  function refusal(result) {
    var detail = result.json.detail || gettext("The move could not be checked.");
    return result.json.code === "schedule_conflict" ? detail : gettext("Not saved:") + " " + detail;
  }

  var checkTimer = null;
  function check(move) {
    clearTimeout(checkTimer);
    var position = describe(move);
    say([position, " ", gettext("Checking…")], "", move.item);
    checkTimer = setTimeout(function () {
      var asked = move.newStart.getTime() + "|" + move.newRoom;
      post(move, { dry_run: true }).then(function (result) {
        if (move.newStart.getTime() + "|" + move.newRoom !== asked || !current) return;
        var open = (result.json.conflicts || []).filter(function (c) { return !c.accepted; });
        if (result.status >= 400) {
          move.item.classList.add("is-blocked");
          say([position, " ", result.json.detail || gettext("The move could not be checked.")], "bad", move.item);
        } else if (open.length) {
          move.item.classList.add("is-blocked");
          say([position, " ", gettext("Conflicts:") + " " + conflictText(open)], "bad", move.item);
        } else {
          move.item.classList.remove("is-blocked");
          var told = result.json.told || 0;
          say([position, " ", gettext("No conflict: press Enter or drop to save."),
               told ? " " + interpolate(ngettext(
                 "%s person who follows it is told by mail.",
                 "%s people who follow it are told by mail.", told), [told]) : ""], "good", move.item);
        }
      }).catch(function () { say([position, " ", NO_CONNECTION], "bad", move.item); });
    }, 150);
  }
  function finish(move) {
    move.item.classList.remove("is-moving", "is-blocked");
    if (move.next) move.next.remove();
    current = null;
  }
  function restore(move) {
    move.item.setAttribute("style", move.origStyle);
    finish(move);
  }
  function commit(move, override) {
    clearTimeout(checkTimer);
    if (move.newStart.getTime() === move.start.getTime() && move.newRoom === move.room) {
      restore(move);
      say(gettext("Nothing moved."), "", move.item);
      return;
    }
    var position = describe(move);
    say([position, " ", gettext("Saving…")], "", move.item);
    post(move, override ? { override: true } : {}).then(function (result) {
      if (result.status === 200 && result.json.saved) {
        var session = result.json.session;
        move.item.setAttribute("data-start", session.start);
        move.item.setAttribute("data-end", session.end);
        move.item.setAttribute("data-room", session.room ? String(session.room.id) : "");
        var when = move.item.querySelector(".agenda-item__when");
        if (when) when.textContent = clock(new Date(session.start)) + "\u2013" + clock(new Date(session.end));
        finish(move);
        say(confman.sentence(gettext("Saved. %(position)s"), { position: position }), "good", move.item);
        return;
      }
      var details = result.json.details || {};
      if (result.status === 409 && details.can_override && !override &&
          window.confirm(conflictText(details.conflicts || []) + "\n\n" +
            gettext("Accept these conflicts and save anyway? Your decision is recorded."))) {
        commit(move, true);
        return;
      }
      restore(move);
      say(refusal(result), "bad", move.item);
    }).catch(function () {
      restore(move);
      say(NO_CONNECTION, "bad", move.item);
    });
  }

  var current = null;
  function begin(item) {
    if (current && current.item !== item) restore(current);
    if (!current) {
      current = state(item);
      current.newStart = new Date(current.start.getTime());
      current.newRoom = current.room;
      item.classList.add("is-moving");
    }
    return current;
  }

  // Keyboard: Alt + arrows move, Enter saves, Escape cancels.
  grid.addEventListener("keydown", function (event) {
    var link = event.target.closest(".builder-item__link");
    if (!link) return;
    var item = link.closest("[data-session]");
    if (event.altKey && ["ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight"].indexOf(event.key) >= 0) {
      event.preventDefault();
      var move = begin(item);
      var rtl = document.documentElement.dir === "rtl";
      if (event.key === "ArrowUp") move.newStart = new Date(move.newStart.getTime() - STEP * 60000);
      if (event.key === "ArrowDown") move.newStart = new Date(move.newStart.getTime() + STEP * 60000);
      if (event.key === "ArrowLeft" || event.key === "ArrowRight") {
        var forward = (event.key === "ArrowRight") !== rtl;
        var index = columns.indexOf(columnOfRoom(move.newRoom)) + (forward ? 1 : -1);
        if (index >= 0 && index < columns.length && columns[index].room) move.newRoom = columns[index].room;
      }
      check(move);
      link.focus();
    } else if (event.key === "Enter" && current && current.item === item) {
      event.preventDefault();
      commit(current, false);
    } else if (event.key === "Escape" && current && current.item === item) {
      event.preventDefault();
      restore(current);
      say(MOVE_CANCELLED, "");
    }
  });
  grid.addEventListener("focusout", function (event) {
    if (current && !current.item.contains(event.relatedTarget) && !dragging) {
      restore(current);
      say(MOVE_CANCELLED, "");
    }
  });

  // Drag and drop.
  var dragging = false;
  function target(event) {
    var rows = getComputedStyle(grid).gridTemplateRows.split(" ");
    var header = parseFloat(rows[0]);
    var rowHeight = parseFloat(rows[1]);
    var rect = grid.getBoundingClientRect();
    var y = event.clientY - rect.top - header - ((current && current.grabOffset) || 0);
    var steps = Math.max(0, Math.round(y / rowHeight));
    var room = null;
    columns.forEach(function (col) {
      var r = col.el.getBoundingClientRect();
      if (event.clientX >= r.left && event.clientX <= r.right) room = col.room;
    });
    return { start: new Date(dayStart.getTime() + steps * STEP * 60000), room: room };
  }
  grid.addEventListener("dragstart", function (event) {
    var link = event.target.closest && event.target.closest(".builder-item__link");
    if (!link) return;
    var item = link.closest("[data-session]");
    var move = begin(item);
    move.grabOffset = event.clientY - item.getBoundingClientRect().top;
    dragging = true;
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", move.title);
    grid.classList.add("is-dropping");
  });
  // Both dragenter and dragover must be cancelled for the grid to accept the drop, and both
  // follow the pointer: when the element under it changes (it does, as the moving item follows
  // the pointer), the browser fires only dragenter there, and the next dragover may never come.
  function follow(event, checking) {
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    var spot = target(event);
    if (!spot.room) return;
    if (spot.start.getTime() !== current.newStart.getTime() || spot.room !== current.newRoom) {
      current.newStart = spot.start;
      current.newRoom = spot.room;
      if (checking) check(current);
    }
  }
  grid.addEventListener("dragenter", function (event) {
    if (!dragging || !current) return;
    follow(event, true);
  });
  grid.addEventListener("dragover", function (event) {
    if (!dragging || !current) return;
    follow(event, true);
  });
  grid.addEventListener("drop", function (event) {
    if (!dragging || !current) return;
    follow(event, false);  // where it is dropped, even if no event came from there before
    dragging = false;
    grid.classList.remove("is-dropping");
    commit(current, false);
  });
  grid.addEventListener("dragend", function () {
    grid.classList.remove("is-dropping");
    if (dragging && current) {
      dragging = false;
      restore(current);
      say(MOVE_CANCELLED, "");
    }
  });

  // Double-click an empty slot: the new-session form, with that day, time and room filled in.
  grid.addEventListener("dblclick", function (event) {
    if (event.target.closest("[data-session]") || event.target.closest(".agenda-grid__room")) return;
    var spot = target(event);
    if (!spot.room) return;
    var hhmm = confman.time(spot.start, grid.getAttribute("data-zone"), confman.CLOCK, "en-GB");
    window.location.href = grid.getAttribute("data-new-url") + "?day=" + grid.getAttribute("data-day") +
      "&start=" + encodeURIComponent(hhmm) + "&room=" + encodeURIComponent(spot.room);
  });
})();
