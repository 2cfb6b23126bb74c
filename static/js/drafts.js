// Drafts, with JavaScript: a form marked data-draft="<address>" is saved to the server a moment
// after she stops typing, and when she leaves the page, so her words come back on any device.
// Nothing is kept in the browser (no localStorage, no sessionStorage): on a shared tablet, once
// she logs out her draft is gone from it. "Save draft" saves in place; "Discard draft" and
// posting wait for a save already on its way, so a late save can't bring back a draft that was
// just posted or discarded. What the server says is read quietly (aria-live="polite").
(function () {
  "use strict";

  var WAIT = 1200; // ms after the last keystroke
  var RETRY = 15000; // after a save that didn't go through

  function setUp(form) {
    var status = form.querySelector("[data-draft-status]");
    var discard = form.querySelector("[data-draft-discard]");
    var from = form.querySelector("[data-draft-from]");
    var timer = null;
    var sending = null; // the save on its way, as a promise
    var leaving = false; // posted or discarded: no more saves from this page
    var sent = contents(); // what the server holds, as far as this page knows

    function contents() {
      var data = new FormData(form);
      data.delete("csrf_token");
      return new URLSearchParams(data).toString();
    }

    function say(words) {
      if (status) status.textContent = words;
    }

    function later(delay) {
      window.clearTimeout(timer);
      timer = window.setTimeout(save, delay);
    }

    function save(keepalive) {
      window.clearTimeout(timer);
      if (leaving) return Promise.resolve();
      if (sending) return sending.then(function () { return save(keepalive); });
      var now = contents();
      if (now === sent) return Promise.resolve();
      sending = fetch(form.dataset.draft, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        headers: { Accept: "application/json" },
        keepalive: !!keepalive,
      })
        .then(function (response) {
          var json = (response.headers.get("Content-Type") || "").indexOf("json") !== -1;
          if (response.redirected || !json) {
            // Signed out meanwhile, or a limit reached: a page, not an answer.
            throw new Error(response.status === 401 ? "signed-out" : "page");
          }
          return response.json().then(function (answer) {
            if (response.ok) {
              sent = now;
              if (discard) discard.hidden = !answer.saved;
              if (from && "draft_from" in answer) from.value = answer.draft_from;
            }
            say(answer.status || "");
          });
        })
        .catch(function (error) {
          if (leaving) return;
          var reason = error && error.message;
          // The words, in the page's language, are on the status line (drafts/_controls.html).
          var words = (status && status.dataset) || {};
          say(reason === "signed-out"
            ? words.signedOut || "You're signed out, so this draft isn't saved. Your words are " +
              "still here: log in in another tab and we'll save them."
            : words.notSaved || "Not saved yet: we'll try again in a moment. Your words are " +
              "still here.");
          later(RETRY);
        })
        .then(function () { sending = null; });
      return sending;
    }

    form.addEventListener("input", function () { later(WAIT); });
    form.addEventListener("change", function () { later(WAIT); });

    form.addEventListener("click", function (event) {
      var button = event.target.closest && event.target.closest("[data-draft-save]");
      if (!button || event.button !== 0) return;
      event.preventDefault();
      sent = null; // she asked: say so even if nothing changed
      save();
    });

    form.addEventListener("submit", function (event) {
      if (leaving) return;
      window.clearTimeout(timer);
      var submitter = event.submitter;
      if (submitter && submitter.hasAttribute("data-draft-save")) return;
      leaving = true;
      if (!sending) return;
      // Let the save on its way land first, then post (or discard) as she asked.
      event.preventDefault();
      sending.then(function () { form.requestSubmit(submitter || undefined); });
    });

    // Leaving the page (a tab switched away, the phone locked): save what is there now.
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") save(true);
    });
    window.addEventListener("pagehide", function () { save(true); });
  }

  Array.prototype.forEach.call(document.querySelectorAll("form[data-draft]"), setUp);
})();
