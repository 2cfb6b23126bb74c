// Photos on a post form, with JavaScript: a photo too large to send is told at its place as soon
// as it is picked, and taken off the input, so the form never sends more than the forum takes.
// Without JavaScript the server says the same after sending (forum/photo_fields.py).
(function () {
  "use strict";

  function megabytes(bytes) {
    return Math.floor(bytes / (1024 * 1024)) + " MB";
  }

  function say(input, message) {
    var id = input.id + "-error";
    var shown = document.getElementById(id);
    if (!message) {
      if (shown && shown.dataset.fromScript) shown.remove();
      input.removeAttribute("aria-invalid");
      return;
    }
    if (!shown) {
      shown = document.createElement("p");
      shown.className = "error";
      shown.id = id;
      shown.dataset.fromScript = "1";
      shown.setAttribute("role", "alert");
      input.insertAdjacentElement("afterend", shown);
    }
    shown.textContent = message;
    input.setAttribute("aria-invalid", "true");
    input.setAttribute("aria-describedby", id);
  }

  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("input[type=file][data-max-bytes]")) return;
    var most = Number(input.dataset.maxBytes);
    var file = input.files && input.files[0];
    if (file && file.size > most) {
      input.value = "";
      // In the page's language (templates/_macros/photos.html), else in English.
      say(input, input.dataset.tooLarge || ("That photo is more than " + megabytes(most) +
        ", too large to take. A photo straight from a phone's camera fits; a smaller copy works too."));
    } else {
      say(input, "");
    }
  });
})();
