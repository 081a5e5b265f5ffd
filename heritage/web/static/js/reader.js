/* The reader upgraded: OpenSeadragon deep zoom on the page's IIIF image, with the text layer and
   the search hits as an overlay that follows zoom and pan, zoom buttons and keyboard shortcuts.
   Without this script (or if the viewer cannot open) the static image and its layer stay. */
(function () {
  "use strict";
  function claimTouchFocusRule() {
    // OpenSeadragon injects an inline <style> hiding the canvas focus ring on touch screens
    // unless one is there: our CSP would refuse it, and keyboard users of tablets need the ring.
    if (!document.querySelector("style[data-openseadragon-mobile-css]")) {
      var placeholder = document.createElement("style");
      placeholder.setAttribute("data-openseadragon-mobile-css", "true");
      document.head.appendChild(placeholder);
    }
  }

  var figure = document.getElementById("viewer");
  if (!figure) {
    return;
  }
  var viewer = null;
  var ZOOM_STEP = 1.5;
  var KEYS = {ArrowLeft: "prev", p: "prev", ArrowRight: "next", n: "next", "+": "in", "=": "in", "-": "out", "0": "home"};

  function typing(target) {
    return Boolean(target.closest && target.closest("input, textarea, select, [contenteditable]"));
  }

  function zoom(action) {
    if (!viewer) {
      return;
    }
    if (action === "home") {
      viewer.viewport.goHome();
    } else {
      viewer.viewport.zoomBy(action === "in" ? ZOOM_STEP : 1 / ZOOM_STEP);
      viewer.viewport.applyConstraints();
    }
  }

  function onKey(event) {
    var action = KEYS[event.key];
    if (!action || event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || typing(event.target)) {
      return;
    }
    var inViewer = viewer !== null && viewer.canvas.contains(event.target);
    if (inViewer && event.key !== "p" && event.key !== "n") {
      return; /* on the image OpenSeadragon's own keys move and zoom it */
    }
    var target = action === "prev" ? figure.dataset.prev : action === "next" ? figure.dataset.next : null;
    if (action === "prev" || action === "next") {
      if (target) {
        event.preventDefault();
        window.location.href = target;
      }
      return;
    }
    event.preventDefault();
    zoom(action);
  }

  function hitBounds(rect, width) {
    var x = Number(rect.getAttribute("x"));
    var y = Number(rect.getAttribute("y"));
    var w = Number(rect.getAttribute("width"));
    var h = Number(rect.getAttribute("height"));
    var pad = Math.max(w * 1.5, width * 0.12);
    return new OpenSeadragon.Rect((x - pad) / width, (y - pad) / width, (w + 2 * pad) / width, (h + 2 * pad) / width);
  }

  function keepSelectable(layer) {
    /* A mouse pressed on a word selects text instead of dragging the image; touch still pans. */
    layer.addEventListener("pointerdown", function (event) {
      if (event.pointerType === "mouse" && event.target.closest("text")) {
        event.stopPropagation();
      }
    });
  }

  function onOpen(layer, width, height) {
    viewer.addOverlay({element: layer, location: new OpenSeadragon.Rect(0, 0, 1, height / width)});
    keepSelectable(layer);
    var first = layer.querySelector(".hit");
    if (figure.dataset.region) {
      var r = figure.dataset.region.split(",").map(Number); /* a shared region: ?xywh= or iiif-content */
      viewer.viewport.fitBounds(viewer.viewport.imageToViewportRectangle(r[0], r[1], r[2], r[3]), true);
    } else if (first) {
      viewer.viewport.fitBounds(hitBounds(first, width), true);
    }
    document.querySelector(".zoom").hidden = false;
    figure.viewer = viewer;
    figure.dispatchEvent(new CustomEvent("viewer-open", {detail: viewer})); /* share.js selects regions on it */
  }

  function upgrade() {
    var width = Number(figure.dataset.width);
    var height = Number(figure.dataset.height);
    var layer = figure.querySelector(".text-layer");
    var holder = document.createElement("div");
    holder.className = "osd";
    figure.insertBefore(holder, figure.firstChild);
    figure.classList.add("upgraded"); /* before opening, so the viewer measures its real size */
    claimTouchFocusRule();
    viewer = OpenSeadragon({
      element: holder,
      tileSources: figure.dataset.info,
      showNavigationControl: false,
      gestureSettingsMouse: {clickToZoom: false, dblClickToZoom: false},
      maxZoomPixelRatio: 2,
      visibilityRatio: 0.5
    });
    viewer.canvas.setAttribute("role", "application");
    viewer.canvas.setAttribute("aria-label", figure.dataset.labelViewer);
    if (document.getElementById("page-text")) {
      viewer.canvas.setAttribute("aria-describedby", "page-text"); /* the embed page shows no text */
    }
    viewer.addHandler("open", function () {
      onOpen(layer, width, height);
    });
    viewer.addHandler("open-failed", function () {
      viewer.destroy();
      viewer = null;
      holder.remove();
      figure.classList.remove("upgraded");
    });
  }

  document.querySelectorAll("[data-zoom]").forEach(function (button) {
    button.addEventListener("click", function () {
      zoom(button.dataset.zoom);
    });
  });
  document.addEventListener("keydown", onKey);
  if (document.querySelector(".shortcuts")) {
    document.querySelector(".shortcuts").hidden = false; /* the embed page has no list of shortcuts */
  }
  if (window.OpenSeadragon) {
    upgrade();
  } else {
    var first = figure.querySelector(".hit");
    if (first) {
      first.scrollIntoView({block: "center"});
    }
  }
}());
