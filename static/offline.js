// Offline use: "Save for offline" on course pages, the "Saved on this phone" list, the header's offline
// mark and count of actions waiting to be sent. The service worker (/sw.js) does the rest; pages work without both.
(function () {
  "use strict";
  if (!("serviceWorker" in navigator) || !window.caches || !window.indexedDB || !window.fetch) { return; }
  var worker = navigator.serviceWorker, SAVED = "lms-saved", DAY = 86400000;
  var status = document.getElementById("net-status"), waiting = 0;
  worker.register("/sw.js").catch(function () {});
  document.getElementById("saved-link").hidden = false;

  function saved() { return JSON.parse(localStorage.getItem(SAVED) || "{}"); }
  function keep(all) { localStorage.setItem(SAVED, JSON.stringify(all)); }
  function megabytes(bytes) { return (Math.ceil(bytes / 104857.6) / 10).toFixed(1) + " MB"; }
  function tell(name, value) { return status.getAttribute("data-" + name).replace("#", value); }

  function showStatus() {
    var parts = navigator.onLine ? [] : [tell("offline")];
    if (waiting) { parts.push(tell("waiting", waiting)); }
    status.textContent = parts.join(" · ");
    status.hidden = !parts.length;
  }

  function banner(text, link, alert) {
    var note = document.createElement("div");
    note.className = "flash flash-" + (alert ? "error" : "info");
    note.setAttribute("role", alert ? "alert" : "status");
    note.textContent = text + " ";
    if (link) {
      var anchor = note.appendChild(document.createElement("a"));
      anchor.href = link;
      anchor.textContent = tell("result");
    }
    var main = document.getElementById("main");
    main.insertBefore(note, main.firstChild);
  }

  // What the server said of an action sent later: its message when refused, the quiz result when graded.
  function showNote(note) {
    if (note.refused) {
      var page = new DOMParser().parseFromString(note.refused, "text/html");
      var said = page.querySelector("main [role=alert]") || page.querySelector("main h1 + p") || page.querySelector("main h1");
      banner(said ? said.textContent.trim() : "", null, true);
    } else {
      banner(tell("sent"), /\/quiz\/attempts\//.test(note.sent) ? note.sent : null);
    }
  }

  worker.addEventListener("message", function (event) {
    waiting = event.data.waiting || 0;
    (event.data.notes || []).forEach(showNote);
    showStatus();
  });
  function ask(message) {
    worker.ready.then(function (registration) { registration.active.postMessage(message); });
  }
  window.addEventListener("online", function () { showStatus(); ask("send"); refreshSaved(); });
  window.addEventListener("offline", showStatus);
  ask(navigator.onLine ? "send" : "count");
  showStatus();
  if (location.hash === "#kept") {
    banner(tell("kept"));
    history.replaceState(null, "", location.pathname + location.search);
  }

  var logout = document.querySelector('form[action="/logout"]');
  if (logout) {
    logout.addEventListener("submit", function () { localStorage.removeItem(SAVED); ask("forget"); });
  }

  // Save a course or module: every address of its package, then what it holds, to compare later.
  async function save(address, old) {
    var pack = await (await fetch(address, { credentials: "same-origin" })).json();
    var cache = await caches.open(SAVED), versions = {}, urls = pack.urls.slice();
    var fresh = pack.urls.slice();
    pack.lessons.forEach(function (lesson) {
      versions[lesson.id] = lesson.version;
      urls = urls.concat(lesson.urls);
      if (!old || old.versions[lesson.id] !== lesson.version) { fresh = fresh.concat(lesson.urls); }
    });
    await cache.addAll(fresh);
    var all = saved();
    all[pack.key] = { title: pack.title, bytes: pack.bytes, address: address, urls: urls, versions: versions, at: Date.now() };
    keep(all);
    if (old) { await dropUnused(old.urls); }
    if (navigator.storage && navigator.storage.persist) { navigator.storage.persist(); }
  }

  async function dropUnused(urls) {
    var used = [], cache = await caches.open(SAVED), all = saved();
    Object.keys(all).forEach(function (key) { used = used.concat(all[key].urls); });
    await Promise.all(urls.filter(function (url) { return used.indexOf(url) < 0; }).map(function (url) { return cache.delete(url); }));
  }

  // A saved lesson that changed is fetched again (checked at most once a day, and on the saved list).
  function refreshSaved(always) {
    var all = saved();
    Object.keys(all).forEach(function (key) {
      if (navigator.onLine && (always || Date.now() - all[key].at > DAY)) { save(all[key].address, all[key]).catch(function () {}); }
    });
  }
  refreshSaved(false);

  document.querySelectorAll("[data-offline-save]").forEach(function (button) {
    button.parentNode.hidden = false;
    button.addEventListener("click", function () {
      var label = button.textContent;
      button.disabled = true;
      button.textContent = button.getAttribute("data-saving");
      save(button.getAttribute("data-offline-save")).then(function () {
        button.textContent = button.getAttribute("data-saved");
      }, function () {
        button.disabled = false;
        button.textContent = label + " " + button.getAttribute("data-failed");
      });
    });
  });

  var list = document.getElementById("saved-list");
  if (list) {
    document.getElementById("not-saved").hidden = location.pathname === "/offline";
    var draw = function () {
      var all = saved();
      list.textContent = "";
      Object.keys(all).forEach(function (key) {
        var item = list.appendChild(document.createElement("li"));
        var link = item.appendChild(document.createElement("a"));
        link.href = all[key].urls[0];
        link.textContent = all[key].title;
        item.appendChild(document.createTextNode(" (" + megabytes(all[key].bytes) + ") "));
        var remove = item.appendChild(document.createElement("button"));
        remove.type = "button";
        remove.className = "link";
        remove.textContent = list.getAttribute("data-remove");
        remove.addEventListener("click", function () {
          var urls = saved()[key].urls, rest = saved();
          delete rest[key];
          keep(rest);
          dropUnused(urls).then(draw);
        });
      });
      document.getElementById("saved-empty").hidden = list.children.length > 0;
    };
    draw();
    refreshSaved(true);
  }
})();
