// Quote, with JavaScript: the thread's reply box moves under the post being answered, starting
// with the quotation the server builds (of the words selected in that post, or its first lines),
// and the cursor after it, so what she writes is what she sees. Without JavaScript the Quote link
// opens the reply page, quoting the first lines. What a quotation holds, and how long it is, the
// server decides (forum/services/quoting.py); this file only carries the selection there.
(function () {
  "use strict";

  // A selection is sent along as words to look for, no more: the quotation itself is shorter.
  var SELECTION_SENT = 600;
  var pressed = null; // {link, words}: read as a tap on Quote begins, before the tap clears it

  function postOf(node) {
    var element = node && (node.nodeType === 1 ? node : node.parentElement);
    return element ? element.closest("article.post") : null;
  }

  function selectedIn(post) {
    var selection = window.getSelection();
    if (!selection || selection.isCollapsed || !selection.rangeCount) return "";
    var range = selection.getRangeAt(0);
    var inBody = function (node) {
      var element = node.nodeType === 1 ? node : node.parentElement;
      return element && element.closest(".post-body") && postOf(element) === post;
    };
    if (!inBody(range.startContainer) || !inBody(range.endContainer)) return "";
    return selection.toString().slice(0, SELECTION_SENT);
  }

  function quoteLink(event) {
    return event.target.closest ? event.target.closest("a[data-quote]") : null;
  }

  document.addEventListener("pointerdown", function (event) {
    var link = quoteLink(event);
    pressed = link ? { link: link, words: selectedIn(postOf(link)) } : null;
  }, true);

  document.addEventListener("click", function (event) {
    var link = quoteLink(event);
    var box = document.getElementById("reply");
    if (!link || !box || event.button !== 0 || event.metaKey || event.ctrlKey ||
        event.shiftKey || event.altKey) return;
    event.preventDefault();
    var post = postOf(link);
    var words = selectedIn(post) || (pressed && pressed.link === link ? pressed.words : "");
    pressed = null;
    var address = link.dataset.quote + (words ? "?selection=" + encodeURIComponent(words) : "");
    fetch(address, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok || response.redirected) throw new Error(response.status);
        return response.json();
      })
      .then(function (quoted) { openUnder(post, box, quoted); })
      .catch(function () { window.location.assign(link.href); });
  });

  var home = null; // where the reply box stands in the page, to put it back
  var openedBy = null; // the Quote link that opened it, where the focus returns

  function openUnder(post, box, quoted) {
    var form = box.querySelector("form");
    var body = form.elements.body;
    if (!home) {
      home = document.createComment("reply box");
      box.parentNode.insertBefore(home, box);
    }
    post.after(box);
    openedBy = post.querySelector("a[data-quote]");
    // Anything she had already typed stays, after the quotation.
    var typed = body.value.trim() ? body.value : "";
    body.value = quoted.quotation + typed;
    form.elements.quote.value = quoted.post;
    var note = form.elements.content_note;
    if (note && !note.value && quoted.quotation && quoted.content_note) {
      note.value = quoted.content_note;
    }
    box.querySelector("[data-reply-home]").hidden = false;
    body.rows = Math.max(body.rows, 8);
    body.focus();
    body.setSelectionRange(quoted.quotation.length, quoted.quotation.length);
  }

  // "Not now": the box goes back to the end of the thread, keeping what is in it.
  document.addEventListener("click", function (event) {
    var back = event.target.closest ? event.target.closest("[data-reply-home]") : null;
    if (!back || !home) return;
    home.after(document.getElementById("reply"));
    back.hidden = true;
    if (openedBy) openedBy.focus();
  });
})();
