// The check-in page without signal (templates/ceremonies/checkin.html, ceremonies/views/checkin_offline.py).
//   - A service worker keeps the page and its files on the phone (/acara/hadir-sw.js).
//   - The event's participants are kept in IndexedDB (downloaded whenever the page opens online), so the
//     search by name or NIP and the QR scan work without signal.
//   - A check-in or a souvenir tapped while offline goes into a queue in IndexedDB under an id made here
//     (crypto.randomUUID); the queue is sent when the signal returns (the "online" event, every 20 s, and
//     "Send now"). The server records each id once, so sending twice or two phones for one person give
//     one check-in; its answer for each operation (done, already, undone meanwhile...) is shown here.
//   - Online, the page works as before (htmx posts each tap), except scans, which go through the queue.
//   - At an event held over several days, staff pick the day (or session) they check in for (the one
//     under way by default, chosen here too, so that a page stored yesterday opens on today); each
//     check-in is queued with the key of its day or session ("part"), and a person is "present" on the
//     page when checked in for the part chosen.
// Money hand-over is not queued: it needs a signal (its page asks for a confirmation with the amount).
(function () {
  "use strict";
  var root = document.getElementById("checkin");
  if (!root || !window.indexedDB) return;
  var D = root.dataset;
  var EVENT = Number(D.event);
  var BATCH = 100;
  var participants = {}; // id -> {id, name, nip, unit, code, checked_in, souvenir, present: [part keys]}
  var PART = D.part || ""; // the day or session checked in for; "" for a one-day event
  var loaded = false;
  var syncing = false;

  // --- IndexedDB: two stores, the participants of every event seen and the queue of operations ---------
  var dbPromise = new Promise(function (resolve, reject) {
    var request = indexedDB.open("purna-checkin", 1);
    request.onupgradeneeded = function () {
      var db = request.result;
      db.createObjectStore("participants", { keyPath: "key" }).createIndex("event", "event");
      db.createObjectStore("queue", { keyPath: "id" }).createIndex("event", "event");
    };
    request.onsuccess = function () { resolve(request.result); };
    request.onerror = function () { reject(request.error); };
  });

  function store(name, mode) {
    return dbPromise.then(function (db) { return db.transaction(name, mode).objectStore(name); });
  }
  function done(request) {
    return new Promise(function (resolve, reject) {
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }
  function byEvent(name) {
    return store(name, "readonly").then(function (s) { return done(s.index("event").getAll(EVENT)); });
  }
  function saveParticipant(p) {
    p.key = EVENT + ":" + p.id;
    p.event = EVENT;
    return store("participants", "readwrite").then(function (s) { return done(s.put(p)); });
  }
  function saveParticipants(list) {
    return dbPromise.then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction("participants", "readwrite");
        var s = tx.objectStore("participants");
        s.index("event").getAllKeys(EVENT).onsuccess = function (event) {
          event.target.result.forEach(function (key) { s.delete(key); });
          list.forEach(function (p) { p.key = EVENT + ":" + p.id; p.event = EVENT; s.put(p); });
        };
        tx.oncomplete = resolve;
        tx.onerror = function () { reject(tx.error); };
      });
    });
  }

  // --- What the page shows -----------------------------------------------------------------------------
  function text(name) { return D["text" + name] || ""; }

  // Checked in for the part chosen (a one-day event: at all).
  function isPresent(p) {
    return PART ? (p.present || []).indexOf(PART) !== -1 : !!p.checked_in;
  }

  function showStatus() {
    byEvent("queue").then(function (queue) {
      document.getElementById("checkin-pending").textContent = String(queue.length);
      document.getElementById("checkin-network").textContent = navigator.onLine
        ? text("Online")
        : text("Offline") + " " + text("HandoverOffline");
      var box = document.getElementById("checkin-sync");
      box.classList.toggle("alert-warning", !navigator.onLine || queue.length > 0);
      box.classList.toggle("alert-secondary", navigator.onLine && queue.length === 0);
    });
    // "Mark all present" posts to the server: not offered without signal.
    var markAll = document.getElementById("checkin-all");
    if (markAll) markAll.classList.toggle("d-none", !navigator.onLine);
    if (!loaded) return;
    var all = Object.keys(participants).map(function (id) { return participants[id]; });
    var attended = all.filter(isPresent).length;
    var counts = document.getElementById("checkin-counts");
    if (counts) counts.textContent = text("Counts").replace("{attended}", attended).replace("{total}", all.length);
  }

  function say(message, kind) {
    var item = document.createElement("li");
    item.className = "alert py-1 px-2 mb-1 alert-" + (kind || "info");
    item.textContent = message;
    var list = document.getElementById("checkin-results");
    list.insertBefore(item, list.firstChild);
  }

  function element(tag, className, content) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (content) node.textContent = content;
    return node;
  }

  function list() { return root.querySelector(".list-group"); }

  function rowOf(p) {
    var row = document.getElementById("hadir-" + p.id);
    if (row) return row;
    // Not on the page as it was served (a search, or the stored copy of the page): drawn from IndexedDB.
    row = element("div", "list-group-item py-3 checkin-row");
    row.id = "hadir-" + p.id;
    row.dataset.testid = "checkin-row";
    row.setAttribute("data-testid", "checkin-row");
    row.dataset.participant = p.id;
    row.dataset.name = p.name.toLowerCase();
    row.dataset.nip = p.nip.replace(/ /g, "");
    var line = element("div", "d-flex flex-wrap justify-content-between align-items-center gap-2");
    var who = element("div", "me-auto");
    who.appendChild(element("div", "fs-5 fw-semibold", p.name));
    who.appendChild(element("div", "text-body-secondary", p.nip + " · " + p.unit));
    line.appendChild(who);
    line.appendChild(element("div", "d-flex flex-wrap gap-2 checkin-actions"));
    row.appendChild(line);
    var empty = list().querySelector(".empty-state");
    if (empty) empty.remove();
    list().appendChild(row);
    drawActions(row, p, false);
    return row;
  }

  function drawActions(row, p, pending) {
    var actions = row.querySelector(".checkin-actions");
    actions.textContent = "";
    if (isPresent(p)) {
      actions.appendChild(element("span", "btn btn-lg btn-success disabled",
        "✓ " + text("Present") + (pending.check_in ? " (" + text("Queued") + ")" : "")));
    } else if (D.attendanceOpen === "1") {
      var button = element("button", "btn btn-lg btn-purna checkin-button", text("Present"));
      button.type = "button";
      button.dataset.offlineKind = "check_in";
      actions.appendChild(button);
    }
    if (p.souvenir) {
      actions.appendChild(element("span", "btn btn-lg btn-outline-success disabled",
        "✓ " + text("Souvenir") + (pending.souvenir ? " (" + text("Queued") + ")" : "")));
    } else if (D.attendanceOpen === "1") {
      var gift = element("button", "btn btn-lg btn-outline-secondary souvenir-button", text("Gift"));
      gift.type = "button";
      gift.dataset.offlineKind = "souvenir";
      actions.appendChild(gift);
    }
    row.classList.toggle("checkin-pending", !!(pending.check_in || pending.souvenir));
  }

  function pendingFor(queue, id) {
    var pending = {};
    queue.forEach(function (op) {
      if (op.participant !== id) return;
      if (op.kind === "check_in" && (op.part || "") !== PART) return; // another day or session
      pending[op.kind] = true;
    });
    return pending;
  }

  function redraw(ids) {
    return byEvent("queue").then(function (queue) {
      ids.forEach(function (id) {
        var p = participants[id];
        if (p) drawActions(rowOf(p), p, pendingFor(queue, p.id));
      });
      showStatus();
    });
  }

  // --- Search as you type, over the list kept on the phone ---------------------------------------------
  function search(value) {
    var words = value.toLowerCase().split(/\s+/).filter(Boolean);
    var digits = value.replace(/\s/g, "");
    var isNip = /^\d+$/.test(digits);
    function matches(name, nip) {
      if (!words.length) return true;
      if (isNip && nip.indexOf(digits) === 0) return true;
      return words.every(function (word) { return name.indexOf(word) !== -1; });
    }
    if (loaded) {
      Object.keys(participants).forEach(function (id) {
        var p = participants[id];
        if (matches(p.name.toLowerCase(), p.nip.replace(/ /g, "")) && !document.getElementById("hadir-" + id)) rowOf(p);
      });
    }
    root.querySelectorAll(".checkin-row").forEach(function (row) {
      row.classList.toggle("d-none", !matches(row.dataset.name || "", row.dataset.nip || ""));
    });
  }

  // --- The queue ---------------------------------------------------------------------------------------
  function enqueue(kind, id, code) {
    var op = {
      id: crypto.randomUUID(), event: EVENT, kind: kind, participant: id, code: code || "",
      at: new Date().toISOString(), part: kind === "check_in" ? PART : "",
    };
    return store("queue", "readwrite").then(function (s) { return done(s.add(op)); }).then(function () {
      var p = participants[id];
      if (p) {
        if (kind === "check_in") {
          p.checked_in = true;
          p.present = (p.present || []).concat(PART ? [PART] : []);
        } else {
          p.souvenir = true;
        }
        return saveParticipant(p);
      }
    }).then(function () {
      return redraw([id]);
    }).then(function () {
      if (navigator.onLine) sync();
    });
  }

  function sync() {
    if (syncing || !navigator.onLine) return Promise.resolve();
    syncing = true;
    return byEvent("queue").then(function (queue) {
      if (!queue.length) return null;
      var batch = queue.slice(0, BATCH);
      return fetch(D.syncUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": D.csrf },
        body: JSON.stringify({ operations: batch.map(function (op) {
          return { id: op.id, kind: op.kind, participant: op.participant, code: op.code, at: op.at, part: op.part || "" };
        }) }),
      }).then(function (response) {
        if (!response.ok) {
          return response.json().catch(function () { return {}; }).then(function (body) {
            if (body.error) say(body.error, "danger");
            return null;
          });
        }
        return response.json().then(function (body) { return answered(body.results); });
      });
    }).catch(function () {
      return null; // no signal after all: the queue stays for the next try
    }).then(function (more) {
      syncing = false;
      if (more) return sync();
      // Sent: what the other phones did comes back with the list (rows and counts follow).
      if (more === false) return load(true);
      showStatus();
    });
  }

  function answered(results) {
    return store("queue", "readwrite").then(function (s) {
      results.forEach(function (result) { s.delete(result.id); });
    }).then(function () {
      var ids = [];
      results.forEach(function (result) {
        var p = participants[result.participant];
        if (p) {
          p.checked_in = result.checked_in;
          p.souvenir = result.souvenir;
          p.present = result.present || [];
          saveParticipant(p);
          ids.push(p.id);
        }
        if (result.outcome === "conflict" || result.outcome === "refused" || result.outcome === "unknown") {
          say(result.message, "warning");
        } else if (result.outcome === "already" && !result.duplicate) {
          say(result.message, "info");
        }
      });
      return redraw(ids).then(function () { return results.length === BATCH; });
    });
  }

  // A tap on "Present" or "Souvenir": online, the page's own form (htmx) records it; offline, or on a row
  // drawn here, it is queued.
  document.addEventListener("submit", function (event) {
    var button = event.target.querySelector("[data-offline-kind]");
    if (!button || navigator.onLine) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    var row = button.closest(".checkin-row");
    enqueue(button.dataset.offlineKind, Number(row.dataset.participant));
  }, true);
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-offline-kind]");
    if (!button || button.form) return;
    enqueue(button.dataset.offlineKind, Number(button.closest(".checkin-row").dataset.participant));
  });

  // --- QR codes: the invitation's QR holds the URL /acara/<event>/hadir/<code>/ ----------------------------
  function codeOf(value) {
    var match = /\/hadir\/([A-Za-z0-9_-]+)\/?$/.exec(value.trim());
    return match ? match[1] : value.trim();
  }

  function scanned(value) {
    var code = codeOf(value);
    var found = null;
    Object.keys(participants).forEach(function (id) { if (participants[id].code === code) found = participants[id]; });
    if (!found) { say(text("UnknownCode"), "danger"); return; }
    var row = rowOf(found);
    row.classList.remove("d-none");
    row.scrollIntoView({ block: "center" });
    if (isPresent(found)) { say("✓ " + found.name, "info"); return; }
    say("✓ " + found.name, "success");
    enqueue("check_in", found.id, code);
  }

  var scanner = null;
  var lastScan = "";
  function startScanner() {
    var video = document.getElementById("checkin-video");
    if (!window.QrScanner) { say(text("NoCamera"), "warning"); return; }
    if (scanner) { scanner.stop(); scanner = null; video.classList.add("d-none"); return; }
    video.classList.remove("d-none");
    scanner = new window.QrScanner(video, function (result) {
      if (result.data === lastScan) return; // the same letter held in front of the camera
      lastScan = result.data;
      scanned(result.data);
    }, { returnDetailedScanResult: true, preferredCamera: "environment" });
    scanner.start().catch(function () {
      say(text("NoCamera"), "warning");
      video.classList.add("d-none");
      scanner = null;
    });
  }

  // --- Start ---------------------------------------------------------------------------------------------
  // Whether a row on the page shows another state than the list kept on the phone.
  function differs(id) {
    var row = document.getElementById("hadir-" + id);
    if (!row) return false;
    return !!row.querySelector(".btn-success") !== isPresent(participants[id])
      || !!row.querySelector(".btn-outline-success") !== !!participants[id].souvenir;
  }

  function load(redrawAll) {
    var fresh = navigator.onLine
      ? fetch(D.dataUrl, { credentials: "same-origin" }).then(function (response) {
          if (!response.ok) throw new Error(String(response.status));
          return response.json();
        }).then(function (body) {
          return byEvent("queue").then(function (queue) {
            // What this phone did and has not sent yet stays on top of what the server says.
            body.participants.forEach(function (p) {
              queue.forEach(function (op) {
                if (op.participant !== p.id) return;
                if (op.kind === "souvenir") { p.souvenir = true; return; }
                p.checked_in = true;
                if (op.part && p.present.indexOf(op.part) === -1) p.present.push(op.part);
              });
            });
            return saveParticipants(body.participants).then(function () { return body.participants; });
          });
        })
      : Promise.reject(new Error("offline"));
    return fresh.catch(function () { return byEvent("participants"); }).then(function (all) {
      participants = {};
      all.forEach(function (p) { participants[p.id] = p; });
      loaded = all.length > 0;
      root.dataset.ready = "1";
      return byEvent("queue");
    }).then(function (queue) {
      var ids = {};
      queue.forEach(function (op) { ids[op.participant] = true; });
      Object.keys(participants).forEach(function (id) {
        if (!navigator.onLine || PART !== D.part || (redrawAll && differs(id))) ids[id] = true;
      });
      return redraw(Object.keys(ids).map(Number));
    }).then(function () {
      var field = document.getElementById("checkin-search");
      if (field && field.value) search(field.value);
    });
  }

  document.getElementById("checkin-sync").classList.remove("d-none");
  document.getElementById("checkin-scanner").classList.remove("d-none");
  document.getElementById("checkin-sync-now").addEventListener("click", function () {
    sync().then(function () { if (navigator.onLine) return load(true); });
  });
  document.getElementById("checkin-scan").addEventListener("click", startScanner);
  document.getElementById("checkin-photo-button").addEventListener("click", function () {
    document.getElementById("checkin-photo").click();
  });
  document.getElementById("checkin-photo").addEventListener("change", function (event) {
    var file = event.target.files[0];
    if (!file || !window.QrScanner) return;
    window.QrScanner.scanImage(file, { returnDetailedScanResult: true }).then(function (result) {
      scanned(result.data);
    }).catch(function () { say(text("UnknownCode"), "danger"); });
    event.target.value = "";
  });
  document.getElementById("checkin-code-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var field = document.getElementById("checkin-code");
    if (field.value.trim()) scanned(field.value);
    field.value = "";
  });
  var searchField = document.getElementById("checkin-search");
  if (searchField) searchField.addEventListener("input", function () { search(searchField.value); });
  window.addEventListener("online", function () { showStatus(); sync(); });
  // Rows served by the server post their forms; offline (or for another day than the page was served
  // for), every row is drawn from IndexedDB instead.
  function redrawRows() {
    return byEvent("queue").then(function (queue) {
      Object.keys(participants).forEach(function (id) {
        var row = document.getElementById("hadir-" + id);
        if (row) drawActions(row, participants[id], pendingFor(queue, Number(id)));
      });
      showStatus();
    });
  }
  window.addEventListener("offline", function () {
    showStatus();
    redrawRows();
  });

  // --- The day or session checked in for ---------------------------------------------------------------
  var partField = document.getElementById("checkin-part");
  function partUnderWay() {
    // The same rule as ceremonies/attendance.py part_at: under way, else the next one, else the last.
    var now = Date.now();
    var options = Array.prototype.slice.call(partField.options);
    var current = options.filter(function (o) {
      return Date.parse(o.dataset.start) <= now && now < Date.parse(o.dataset.end);
    })[0] || options.filter(function (o) { return Date.parse(o.dataset.start) > now; })[0];
    return (current || options[options.length - 1]).value;
  }
  function partChoose(key) {
    PART = key;
    partField.value = key;
    root.querySelectorAll("input[name=kehadiran]").forEach(function (input) { input.value = key; });
    var url = new URL(location.href);
    url.searchParams.set("kehadiran", key);
    history.replaceState(null, "", url.pathname + url.search);
  }
  if (partField) {
    var asked = new URLSearchParams(location.search).get("kehadiran");
    var known = Array.prototype.some.call(partField.options, function (o) { return o.value === asked; });
    // The page stored on the phone was served for the day it was stored: the URL's choice, else today's.
    var chosen = known ? asked : partUnderWay();
    if (chosen !== PART) partChoose(chosen);
    document.getElementById("checkin-part-show").classList.add("d-none");
    partField.addEventListener("change", function () {
      if (navigator.onLine) { partField.form.submit(); return; }
      partChoose(partField.value);
      redrawRows();
    });
  }
  // A row htmx swapped in (a tap or an undo made online): the list kept on the phone follows it.
  document.addEventListener("htmx:afterSwap", function () {
    root.querySelectorAll(".checkin-row").forEach(function (row) {
      var p = participants[row.dataset.participant];
      if (!p || !row.querySelector("form, .btn-success, .btn-outline-success")) return;
      var checkedIn = !!row.querySelector(".btn-success");
      var souvenir = !!row.querySelector(".btn-outline-success");
      if (isPresent(p) !== checkedIn || p.souvenir !== souvenir) {
        if (PART) {
          p.present = (p.present || []).filter(function (key) { return key !== PART; });
          if (checkedIn) p.present.push(PART);
          p.checked_in = p.present.length > 0;
        } else {
          p.checked_in = checkedIn;
        }
        p.souvenir = souvenir;
        saveParticipant(p);
      }
    });
  });
  setInterval(sync, 20000);
  // What the other phones did shows here too, every minute while there is signal.
  setInterval(function () { if (navigator.onLine && !syncing) load(true); }, 60000);
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(D.swUrl, { scope: D.swScope }).then(function () {
      // The page's first visit came before its service worker: store this page now (the worker keeps it
      // fresh on every later visit with signal).
      if (navigator.onLine && window.caches) {
        caches.open(D.swCache).then(function (cache) { return cache.add(location.pathname); }).catch(function () {});
      }
    }).catch(function () {});
  }
  load().then(sync);
})();
