// Live progress of an item in the workspace: polls its status.json every 2 s while it is in
// work and updates the bars, page states and the retry button in place, announcing changes politely. Without
// this script the page offers a "Refresh" link and refreshes itself (a <noscript> meta tag).
(function () {
  "use strict";
  var root = document.getElementById("item-work");
  if (!root || root.dataset.inWork !== "true") return;
  var url = root.dataset.statusUrl;
  var announce = document.getElementById("progress-announce");
  var bar = document.getElementById("item-progress");
  var percent = document.getElementById("item-percent");
  var itemState = document.getElementById("item-state");
  var refresh = document.getElementById("refresh-link");
  var retry = document.getElementById("retry-form");
  var pageStates = {};
  var timer = null;
  var failures = 0;

  function setState(element, state, label) {
    element.className = "state state-" + state;
    element.textContent = label;
  }

  function showProblems(page) {
    var box = document.getElementById("page-" + page.id + "-problems");
    if (!box) return;
    box.textContent = "";
    page.errors.forEach(function (error) {
      var div = document.createElement("div");
      div.className = "problem";
      var p = document.createElement("p");
      p.className = "error-text";
      p.textContent = error.stage + ": " + error.plain;
      div.appendChild(p);
      box.appendChild(div);
    });
  }

  function showThumbnail(page) {
    var thumb = document.getElementById("page-" + page.id + "-thumb");
    if (!thumb || !page.thumbnail || thumb.tagName === "IMG") return;
    var img = document.createElement("img");
    img.src = page.thumbnail;
    img.alt = thumb.dataset.alt || "";
    img.id = thumb.id;
    thumb.replaceWith(img);
  }

  function update(status) {
    bar.max = status.total;
    bar.value = status.done;
    bar.textContent = status.percent + "%";
    percent.textContent = status.percent + "%";
    var changes = [];
    if (itemState.textContent !== status.label) changes.push(status.label);
    setState(itemState, status.state, status.label);
    if (retry) retry.hidden = status.state !== "failed";
    status.pages.forEach(function (page) {
      var element = document.getElementById("page-" + page.id + "-state");
      if (!element) return;
      if (pageStates[page.id] !== undefined && pageStates[page.id] !== page.state) {
        changes.push(element.closest("li").querySelector("h3").firstChild.textContent.trim() + ": " + page.label);
      }
      pageStates[page.id] = page.state;
      setState(element, page.state, page.label);
      showProblems(page);
      showThumbnail(page);
    });
    if (changes.length) announce.textContent = changes.join(". ");
    if (!status.in_work) {
      stop();
      announce.textContent = status.label + ". " + status.percent + "%";
    }
  }

  function stop() {
    if (timer) window.clearInterval(timer);
    timer = null;
    if (refresh) refresh.hidden = false;
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (status) { failures = 0; update(status); })
      .catch(function () { failures += 1; if (failures > 5) stop(); });
  }

  if (refresh) refresh.hidden = true;
  timer = window.setInterval(poll, 2000);
  poll();
})();
