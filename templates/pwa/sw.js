// Blossom's service worker: keeps the static files and the offline page, never a page of the
// site (members' pages are no-store), and shows the pushes the server sends.
const CACHE = "blossom-" + {{ version|tojson }};
const PRECACHE = {{ urls|tojson }};
const OFFLINE = {{ offline|tojson }};
const NAME = {{ config.APP_NAME|tojson }};
const ICON = {{ url_for('static', filename=config.APP_ICON_192)|tojson }};
// In the language of the page that registered (or last updated) the worker.
const SUPPORT = {{ _("Get support now")|tojson }};

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) => cache.addAll(PRECACHE)).then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(
        keys.filter((key) => key.startsWith("blossom-") && key !== CACHE)
          .map((key) => caches.delete(key))
      ))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    // Pages always come from the network; with no network, the offline page and its support lines.
    event.respondWith(fetch(request).catch(() => caches.match(OFFLINE)));
    return;
  }
  if (url.pathname.startsWith("/static/")) {
    event.respondWith(caches.match(request).then((kept) => kept || fetch(request)));
  }
});

self.addEventListener("push", (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (error) {
    data = {};
  }
  const options = {
    body: data.body || "",
    icon: ICON,
    // One notification per kind: a newer push replaces the one still showing.
    tag: data.tag || "blossom",
    renotify: true,
    data: { url: data.url || "/", support: data.support_url || null },
  };
  if (data.support_url) {
    options.actions = [{ action: "support", title: SUPPORT }];
  }
  event.waitUntil(self.registration.showNotification(data.title || NAME, options));
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const data = event.notification.data || {};
  const target = new URL((event.action === "support" ? data.support : data.url) || "/", self.location.origin);
  if (target.origin !== self.location.origin) return; // only ever a page of this site
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((windows) => {
      for (const client of windows) {
        if ("focus" in client && "navigate" in client) {
          return client.navigate(target.href).then((opened) => (opened || client).focus());
        }
      }
      return self.clients.openWindow(target.href);
    })
  );
});
