// "Notify me on this device": ask the browser for a push subscription and send it to Blossom.
(function () {
  const box = document.querySelector("[data-push]");
  if (!box) return;
  const button = box.querySelector("[data-push-on]");
  const status = box.querySelector("[data-push-status]");
  const zone = document.querySelector("[data-time-zone]");
  // The words shown here, in the page's language (templates/base.html); English if missing.
  let texts = {};
  try {
    texts = JSON.parse(document.querySelector('meta[name="blossom-texts"]').content);
  } catch (error) {
    texts = {};
  }
  const say = (key, english) => texts[key] || english;
  if (zone && zone.value === "UTC") {
    // A first visit: her own time zone, as the browser knows it (she can still change it).
    const here = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (here && Array.from(zone.options).some((option) => option.value === here)) zone.value = here;
  }
  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
    status.textContent = say("pushUnsupported", "This browser can't show notifications. On an iPhone, add Blossom to your home screen first (Share, then Add to Home Screen).");
    return;
  }
  status.textContent = "";
  button.hidden = false;

  function keyBytes(text) {
    const padded = (text + "===".slice((text.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
  }

  button.addEventListener("click", async () => {
    button.disabled = true;
    status.textContent = say("pushAsking", "Asking your browser…");
    try {
      const permission = await Notification.requestPermission();
      if (permission !== "granted") {
        status.textContent = say("pushDenied", "Notifications are turned off for this site in your browser's settings. Turn them on there, then try again.");
        return;
      }
      await navigator.serviceWorker.register("/sw.js", { scope: "/" });
      const registration = await navigator.serviceWorker.ready;
      const subscription = await registration.pushManager.subscribe({
        userVisibleOnly: true,
        applicationServerKey: keyBytes(box.dataset.key),
      });
      const json = subscription.toJSON();
      const response = await fetch(box.dataset.subscribe, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": box.dataset.csrf },
        body: JSON.stringify({ endpoint: json.endpoint, keys: json.keys }),
      });
      if (response.ok) {
        window.location.reload();
        return;
      }
      const answer = await response.json().catch(() => ({}));
      status.textContent = answer.error || say("pushFailed", "That didn't work. Please try again.");
    } catch (error) {
      status.textContent = say("pushBroken", "Your browser couldn't turn notifications on just now. Please try again.");
    } finally {
      button.disabled = false;
    }
  });
})();
