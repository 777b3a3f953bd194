// Service worker: opens saved lessons and the page shell with no network, and keeps "Mark as done",
// quiz answers and hand-ins made offline (IndexedDB, with an id and the time) until they can be sent.
"use strict";
var SAVED = "lms-saved", SHELL_CACHE = "lms-shell", ACTION = /^\/lessons\/\d+\/(done|quiz|submission)$/;

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(SHELL_CACHE).then(function (cache) { return cache.addAll(SHELL); })
    .then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.open(SHELL_CACHE).then(async function (cache) {
    var keep = SHELL.map(function (url) { return new URL(url, location).href; });
    for (var request of await cache.keys()) {
      if (keep.indexOf(request.url) < 0) { await cache.delete(request); }
    }
    await self.clients.claim();
  }));
});

self.addEventListener("fetch", function (event) {
  var request = event.request, url = new URL(request.url);
  if (url.origin !== location.origin) { return; }
  if (request.method === "POST" && ACTION.test(url.pathname)) {
    event.respondWith(sendOrKeep(request));
  } else if (request.method !== "GET") {
    return;
  } else if (url.pathname.startsWith("/static/") || url.pathname.startsWith("/media/")) {
    event.respondWith(caches.match(url.href, { ignoreSearch: url.pathname.startsWith("/media/") })
      .then(function (kept) { return kept ? ranged(request, kept) : fetch(request); }));
  } else {
    event.respondWith(page(request));
  }
});

// A page: the network first, keeping a saved page up to date; offline, the saved copy or the saved list.
// Lesson pages vary with Save-Data; a saved one was fetched by this phone, so it answers whatever the phone sends.
var SAVED_PAGE = { ignoreSearch: true, ignoreVary: true };
async function page(request) {
  try {
    var response = await fetch(request);
    var saved = await caches.open(SAVED);
    if (response.ok && !response.redirected && await saved.match(request, SAVED_PAGE)) {
      await saved.put(request.url.split("?")[0].split("#")[0], response.clone());
    }
    return response;
  } catch (offline) {
    var kept = await caches.match(request, SAVED_PAGE);
    return kept || (request.mode === "navigate" && await caches.match(SHELL[0])) || Response.error();
  }
}

// A video plays from the saved copy: the browser asks for byte ranges, answered from it.
async function ranged(request, response) {
  var range = /^bytes=(\d*)-(\d*)$/.exec(request.headers.get("Range") || "");
  if (!range) { return response; }
  var body = await response.blob(), size = body.size;
  var start = range[1] ? Number(range[1]) : Math.max(size - Number(range[2]), 0);
  var end = range[1] && range[2] ? Math.min(Number(range[2]), size - 1) : size - 1;
  return new Response(body.slice(start, end + 1), {
    status: 206,
    headers: {
      "Content-Type": response.headers.get("Content-Type") || "application/octet-stream",
      "Content-Range": "bytes " + start + "-" + end + "/" + size,
      "Content-Length": String(end - start + 1),
      "Accept-Ranges": "bytes"
    }
  });
}

// An action sent with no connection is kept with the phone's own id and the time it was done.
async function sendOrKeep(request) {
  var copy = request.clone();
  try {
    return await fetch(request);
  } catch (offline) {
    var form = await copy.formData(), id = newId();
    form.set("client_id", id);
    form.set("happened_at", new Date().toISOString());
    var fields = [];
    form.forEach(function (value, name) { fields.push([name, value]); });
    await store("actions", "put", { id: id, url: copy.url, fields: fields });
    if (self.registration.sync) { self.registration.sync.register("send").catch(function () {}); }
    tellPages();
    // A script's request (lesson.js after most of a video) wants no page: "204 No Content", as the server says.
    if (copy.headers.get("X-Requested-With") === "fetch") { return new Response(null, { status: 204 }); }
    var back = copy.referrer && copy.referrer.indexOf(location.origin) === 0 ? copy.referrer : SHELL[0];
    return Response.redirect(back.split("#")[0] + "#kept", 303);
  }
}

function newId() {
  if (self.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
  var hex = Array.from(crypto.getRandomValues(new Uint8Array(16)), function (b) { return (b + 256).toString(16).slice(1); });
  hex[6] = "4" + hex[6][1];
  hex[8] = "89ab"[parseInt(hex[8][0], 16) % 4] + hex[8][1];
  return hex.slice(0, 4).join("") + "-" + hex.slice(4, 6).join("") + "-" + hex.slice(6, 8).join("") + "-" +
    hex.slice(8, 10).join("") + "-" + hex.slice(10).join("");
}

function database() {
  return new Promise(function (resolve, reject) {
    var opening = indexedDB.open("lms-offline", 1);
    opening.onupgradeneeded = function () {
      opening.result.createObjectStore("actions", { keyPath: "id" });
      opening.result.createObjectStore("notes", { autoIncrement: true });
    };
    opening.onsuccess = function () { resolve(opening.result); };
    opening.onerror = function () { reject(opening.error); };
  });
}

async function store(name, method, value) {
  var db = await database();
  return new Promise(function (resolve, reject) {
    var transaction = db.transaction(name, /^(get|count)/.test(method) ? "readonly" : "readwrite");
    var asked = transaction.objectStore(name)[method](value);
    transaction.oncomplete = function () { db.close(); resolve(asked.result); };
    transaction.onerror = function () { db.close(); reject(transaction.error); };
  });
}

// Send what waits, oldest first; the server keeps each at most once (its id), so a repeat does no harm.
var sending = null;
function sendWaiting() {
  sending = sending || sendAll().catch(function () {}).then(function () { sending = null; tellPages(); });
  return sending;
}

async function sendAll() {
  var actions = await store("actions", "getAll");
  if (!actions.length) { return; }
  actions.sort(function (one, other) { return done(one) < done(other) ? -1 : 1; });
  // The form's token may have expired meanwhile: take a fresh one (signed out: try again later).
  var list = await fetch(SHELL[0], { credentials: "same-origin", cache: "no-store" });
  var token = /name="csrf-token" content="([^"]+)"/.exec(await list.text());
  if (!list.ok || list.redirected || !token) { return; }
  for (var action of actions) {
    var body = new FormData();
    action.fields.forEach(function (field) { body.append(field[0], field[0] === "csrf_token" ? token[1] : field[1]); });
    var response = await fetch(action.url, { method: "POST", body: body, credentials: "same-origin" });
    if (response.status >= 500) { return; }
    var note = response.ok ? { sent: response.url } : { refused: await response.text() };
    await store("notes", "add", note);
    await store("actions", "delete", action.id);
  }
}

function done(action) {
  return action.fields.filter(function (field) { return field[0] === "happened_at"; })[0][1];
}

async function tellPages() {
  var waiting = await store("actions", "count");
  var notes = await store("notes", "getAll");
  var pages = await self.clients.matchAll({ type: "window" });
  if (notes.length && pages.length) { await store("notes", "clear"); }
  pages.forEach(function (client, index) { client.postMessage({ waiting: waiting, notes: index ? [] : notes }); });
}

self.addEventListener("sync", function (event) {
  if (event.tag === "send") { event.waitUntil(sendWaiting()); }
});

self.addEventListener("message", function (event) {
  if (event.data === "send") {
    event.waitUntil(sendWaiting());
  } else if (event.data === "forget") {  // signing out: this phone may be shared
    event.waitUntil(Promise.all([caches.delete(SAVED), store("actions", "clear"), store("notes", "clear")]));
  } else {
    event.waitUntil(tellPages());
  }
});
