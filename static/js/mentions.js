// "@pr" typed in a reply box offers the people in the thread and those she has talked with
// (fetched with htmx); choosing one finishes the name. Without JavaScript, @name typed in full
// works the same.
(function () {
  "use strict";
  var box = document.querySelector("[data-mentions-url]");
  if (!box || !window.htmx) return;
  var form = box.closest("form");
  var text = form && form.querySelector("textarea");
  if (!text) return;
  var typing = function () {
    var before = text.value.slice(0, text.selectionStart);
    var match = before.match(/(^|[^\w@])@([\w-]{1,30})$/);
    return match ? match[2] : null;
  };
  var timer = null;
  text.addEventListener("input", function () {
    clearTimeout(timer);
    var name = typing();
    if (!name) { box.innerHTML = ""; return; }
    timer = setTimeout(function () {
      var url = box.getAttribute("data-mentions-url") + "&q=" + encodeURIComponent(name);
      window.htmx.ajax("GET", url, { target: box, swap: "innerHTML" });
    }, 250);
  });
  box.addEventListener("click", function (event) {
    var button = event.target.closest("[data-mention]");
    if (!button) return;
    var name = typing();
    var caret = text.selectionStart;
    var start = name ? caret - name.length : caret;
    var chosen = button.getAttribute("data-mention") + " ";
    text.value = text.value.slice(0, start) + chosen + text.value.slice(caret);
    text.focus();
    text.selectionStart = text.selectionEnd = start + chosen.length;
    box.innerHTML = "";
  });
})();
