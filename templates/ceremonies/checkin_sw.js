// The check-in pages' service worker (ceremonies/views/checkin_offline.py): keeps the check-in page and its
// files on the phone so that the page opens in a hall without signal. The page itself keeps the
// participants and the queue of check-ins in IndexedDB (static/js/checkin_offline.js).
//   - a check-in page (/acara/<pk>/hadir/): the network first, its last copy when offline;
//   - our static files: the stored copy first (their names change with their content).
"use strict";
var CACHE = {{ cache_json|safe }};
var ASSETS = {{ assets_json|safe }};
var PAGES = {{ pages_json|safe }};
var SCOPE = {{ scope_json|safe }};
var CHECKIN_PAGE = new RegExp("^" + SCOPE.replace(/[/]/g, "\\/") + "\\d+\\/hadir\\/$");

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(CACHE).then(function (cache) { return cache.addAll(ASSETS.concat(PAGES)); }).then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(self.clients.claim());
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && CHECKIN_PAGE.test(url.pathname)) {
    // The page without its search: one copy per event, whatever was searched when it was stored.
    var key = url.origin + url.pathname;
    event.respondWith(
      fetch(request).then(function (response) {
        if (response.ok && !url.search) {
          var copy = response.clone();
          caches.open(CACHE).then(function (cache) { cache.put(key, copy); });
        }
        return response;
      }).catch(function () {
        return caches.match(key).then(function (cached) { return cached || Response.error(); });
      })
    );
    return;
  }
  if (PAGES.indexOf(url.pathname) !== -1) {
    // The agency's logo in the page's header: the network first, the stored copy when offline.
    event.respondWith(fetch(request).catch(function () {
      return caches.match(url.pathname).then(function (cached) { return cached || Response.error(); });
    }));
    return;
  }
  if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(
      caches.match(request).then(function (cached) {
        return cached || fetch(request).then(function (response) {
          if (response.ok) {
            var copy = response.clone();
            caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
          }
          return response;
        });
      })
    );
  }
});
