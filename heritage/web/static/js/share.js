/* "Share and cite" upgraded: copy buttons, and a region selector on the deep-zoom viewer that
   gives a cropped image, a reader link zoomed on the region and a IIIF Content State 1.0 link.
   Without this script the links, the embed code and the citations are all there to select. */
(function () {
  "use strict";
  var status = document.querySelector(".share .copied");

  function copy(button) {
    var source = document.getElementById(button.dataset.copy);
    var text = "value" in source ? source.value : source.textContent;
    function done() {
      status.textContent = "";
      status.textContent = status.dataset.copied;
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () {
        source.focus();
      });
    } else if (source.select) {
      source.select();
      document.execCommand("copy");
      done();
    }
  }

  document.querySelectorAll("[data-copy]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      copy(button);
    });
  });

  /* Content State 1.0, section 6.1: encodeURIComponent, then base64url without padding. */
  function encodeContentState(json) {
    return btoa(encodeURIComponent(JSON.stringify(json))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function contentState(panel, xywh) {
    return {
      "@context": "http://iiif.io/api/presentation/3/context.json",
      type: "Annotation",
      motivation: ["contentState"],
      target: {
        id: panel.dataset.canvas + "#xywh=" + xywh,
        type: "Canvas",
        partOf: [{id: panel.dataset.manifest, type: "Manifest"}]
      }
    };
  }

  function showRegion(panel, region) {
    var xywh = region.join(",");
    var state = encodeContentState(contentState(panel, xywh));
    panel.querySelector(".xywh").textContent = "(" + xywh + ")";
    panel.querySelector(".region-image").href = panel.dataset.dynamic + "/" + xywh + "/max/0/default.jpg";
    panel.querySelector(".region-reader").href = panel.dataset.permalink + "?xywh=" + xywh;
    panel.querySelector(".region-state").href = panel.dataset.permalink + "?iiif-content=" + state;
    panel.querySelector(".region-code").value = state;
    panel.hidden = false;
  }

  function imageRegion(viewer, rect, width, height) {
    /* viewport rectangle -> whole image pixels, clipped to the page */
    var r = viewer.viewport.viewportToImageRectangle(rect);
    var x = Math.max(0, Math.round(r.x));
    var y = Math.max(0, Math.round(r.y));
    var right = Math.min(width, Math.round(r.x + r.width));
    var bottom = Math.min(height, Math.round(r.y + r.height));
    return right > x && bottom > y ? [x, y, right - x, bottom - y] : null;
  }

  function selector(figure, viewer) {
    var tools = document.querySelector(".region-tools");
    var panel = document.getElementById("region-result");
    if (!tools || !panel) {
      return;
    }
    var draw = tools.querySelector('[data-select="draw"]');
    var width = Number(figure.dataset.width);
    var height = Number(figure.dataset.height);
    var box = document.createElement("div");
    box.className = "region-box";
    var start = null;
    var shown = false;

    function outline(rect) {
      if (shown) {
        viewer.updateOverlay(box, rect);
      } else {
        viewer.addOverlay({element: box, location: rect});
        shown = true;
      }
    }

    function choose(rect) {
      var region = imageRegion(viewer, rect, width, height);
      if (region) {
        outline(viewer.viewport.imageToViewportRectangle(region[0], region[1], region[2], region[3]));
        showRegion(panel, region);
      }
    }

    function drawing(on) {
      draw.setAttribute("aria-pressed", on ? "true" : "false");
      figure.classList.toggle("selecting", on);
    }

    function rectFrom(a, b) {
      return new OpenSeadragon.Rect(Math.min(a.x, b.x), Math.min(a.y, b.y), Math.abs(a.x - b.x), Math.abs(a.y - b.y));
    }

    /* While drawing, a drag outlines the region instead of moving the image. */
    viewer.addHandler("canvas-press", function (event) {
      if (draw.getAttribute("aria-pressed") === "true") {
        start = viewer.viewport.pointFromPixel(event.position);
        event.preventDefaultAction = true;
      }
    });
    viewer.addHandler("canvas-drag", function (event) {
      if (start) {
        event.preventDefaultAction = true;
        outline(rectFrom(start, viewer.viewport.pointFromPixel(event.position)));
      }
    });
    viewer.addHandler("canvas-release", function (event) {
      if (start) {
        event.preventDefaultAction = true;
        var rect = rectFrom(start, viewer.viewport.pointFromPixel(event.position));
        start = null;
        drawing(false);
        choose(rect);
        panel.focus();
      }
    });
    draw.addEventListener("click", function () {
      drawing(draw.getAttribute("aria-pressed") !== "true");
    });
    tools.querySelector('[data-select="view"]').addEventListener("click", function () {
      drawing(false);
      choose(viewer.viewport.getBounds());
      panel.focus();
    });
    tools.hidden = false;
    if (figure.dataset.region) {
      showRegion(panel, figure.dataset.region.split(",").map(Number));
      outline(viewer.viewport.imageToViewportRectangle.apply(viewer.viewport, figure.dataset.region.split(",").map(Number)));
    }
  }

  var figure = document.getElementById("viewer");
  if (figure && window.OpenSeadragon) {
    if (figure.viewer) {
      selector(figure, figure.viewer);
    } else {
      figure.addEventListener("viewer-open", function (event) {
        selector(figure, event.detail);
      });
    }
  }
}());
