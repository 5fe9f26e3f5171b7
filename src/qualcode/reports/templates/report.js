// The quote browser of the qualcode report: the quotes are JSON in the page, drawn a page at a
// time (a project may hold 100,000), filtered by the search box and the code list. Text goes in
// through textContent only, never as HTML.
(function () {
  "use strict";
  var source = document.getElementById("quote-data");
  var list = document.getElementById("quote-list");
  // Printing shows what folded sections hold.
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details").forEach(function (d) { d.open = true; });
  });
  if (!source || !list) { return; }
  var data = JSON.parse(source.textContent);
  var quotes = data.quotes; // [code, document, coder, start, end, text, characters cut]
  var pageSize = parseInt(list.getAttribute("data-page-size"), 10) || 50;
  var search = document.getElementById("quote-search");
  var codeSelect = document.getElementById("quote-code");
  var status = document.getElementById("quote-status");
  var previous = document.getElementById("quote-previous");
  var next = document.getElementById("quote-next");
  var pageLabel = document.getElementById("quote-page");
  var shown = null; // indexes of the quotes that match, or null for all
  var page = 0;
  var lowered = null; // each quote's searchable text in lower case, made on the first search

  function searchable(index) {
    var q = quotes[index];
    var d = data.documents[q[1]];
    return (q[5] + "\n" + data.codes[q[0]][0] + "\n" + d[0] + "\n" + d[1]).toLowerCase();
  }

  function count() { return shown === null ? quotes.length : shown.length; }

  function filter() {
    var words = search.value.toLowerCase().split(/\s+/).filter(Boolean);
    var code = codeSelect.value === "" ? -1 : parseInt(codeSelect.value, 10);
    if (!words.length && code < 0) {
      shown = null;
    } else {
      if (words.length && lowered === null) {
        lowered = new Array(quotes.length);
        for (var i = 0; i < quotes.length; i++) { lowered[i] = searchable(i); }
      }
      shown = [];
      for (var j = 0; j < quotes.length; j++) {
        if (code >= 0 && quotes[j][0] !== code) { continue; }
        var ok = true;
        for (var w = 0; w < words.length && ok; w++) { ok = lowered[j].indexOf(words[w]) >= 0; }
        if (ok) { shown.push(j); }
      }
    }
    page = 0;
    draw();
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function draw() {
    var total = count();
    var pages = Math.max(1, Math.ceil(total / pageSize));
    page = Math.min(page, pages - 1);
    var first = page * pageSize;
    var last = Math.min(total, first + pageSize);
    var fragment = document.createDocumentFragment();
    for (var n = first; n < last; n++) {
      var q = quotes[shown === null ? n : shown[n]];
      var d = data.documents[q[1]];
      var block = element("blockquote", "quote");
      block.setAttribute("data-quote", String(shown === null ? n : shown[n]));
      var text = element("p", null, q[5] || "(no text: a region of a picture, PDF or recording)");
      text.setAttribute("dir", "auto");
      if (q[6] > 0) { text.appendChild(element("span", "cut", " … (" + q[6] + " more characters)")); }
      block.appendChild(text);
      var footer = element("footer");
      var parts = [data.codes[q[0]][0], d[0]];
      if (d[1]) { parts.push(d[1]); }
      if (d[2]) { parts.push(d[2]); }
      if (q[2] >= 0) { parts.push(data.coders[q[2]]); }
      parts.forEach(function (part, i) {
        if (i) { footer.appendChild(document.createTextNode(" · ")); }
        footer.appendChild(element("bdi", i ? null : "quote-code", part));
      });
      footer.appendChild(document.createTextNode(" · " + q[3] + "–" + q[4]));
      block.appendChild(footer);
      fragment.appendChild(block);
    }
    list.replaceChildren(fragment);
    status.textContent = total === quotes.length
      ? quotes.length.toLocaleString() + " quotes."
      : total.toLocaleString() + " of " + quotes.length.toLocaleString() + " quotes match.";
    pageLabel.textContent = total ? "Page " + (page + 1) + " of " + pages : "";
    previous.disabled = page === 0;
    next.disabled = page >= pages - 1;
  }

  var timer = null;
  search.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(filter, quotes.length > 20000 ? 200 : 60);
  });
  search.addEventListener("keydown", function (event) {
    if (event.key === "Enter") { clearTimeout(timer); filter(); }
  });
  codeSelect.addEventListener("change", filter);
  previous.addEventListener("click", function () { page -= 1; draw(); });
  next.addEventListener("click", function () { page += 1; draw(); });
  document.querySelectorAll("button.show-quotes").forEach(function (button) {
    button.addEventListener("click", function () {
      codeSelect.value = button.getAttribute("data-code");
      search.value = "";
      filter();
      document.getElementById("quotes").scrollIntoView();
    });
  });
  draw();
})();
