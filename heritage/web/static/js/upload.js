// The upload form, improved: drag and drop of files or whole folders, a progress bar per file,
// files PUT one by one as raw bodies (streamed to disk on the server), a dropped metadata.json
// read here to fill in the description. Without this script the form posts everything at once.
(function () {
  "use strict";
  var form = document.getElementById("upload-form");
  var input = document.getElementById("upload-files");
  if (!form || !input || !window.XMLHttpRequest || !window.FormData) return;
  var drop = document.getElementById("upload-drop");
  var folder = document.getElementById("upload-folder");
  var list = document.getElementById("upload-list");
  var status = document.getElementById("upload-status");
  var submit = document.getElementById("upload-submit");
  var batch = form.getAttribute("data-batch");
  var maxBytes = Number(form.getAttribute("data-max-bytes"));
  var csrf = form.querySelector("input[name=csrf]").value;
  var chosen = []; // {file, row, bar, state}
  var texts = form.dataset;

  // An interface string of the page's language (data-text-* on the form), with {name} filled in.
  function text(key, values) {
    return (texts[key] || key).replace(/\{(\w+)\}/g, function (_, name) { return String(values[name]); });
  }
  var busy = false;

  drop.hidden = false;

  function say(text, urgent) {
    status.textContent = text;
    status.setAttribute("role", urgent ? "alert" : "status");
  }

  function size(bytes) {
    if (bytes >= 1e9) return (bytes / 1e9).toFixed(1) + " GB";
    if (bytes >= 1e6) return (bytes / 1e6).toFixed(1) + " MB";
    return Math.max(1, Math.round(bytes / 1e3)) + " kB";
  }

  function natural(a, b) {
    return a.file.name.localeCompare(b.file.name, undefined, { numeric: true, sensitivity: "base" });
  }

  function setField(id, value) {
    var field = document.getElementById(id);
    if (field && value !== undefined && value !== null && String(value) !== "") {
      field.value = Array.isArray(value) ? value.join("\n") : String(value);
    }
  }

  function prefill(file) {
    file.text().then(function (text) {
      var data = JSON.parse(text);
      ["title", "date", "source", "description", "creator", "publisher", "subject"].forEach(function (name) {
        setField("md-" + name, data[name]);
      });
      var select = { type: document.getElementById("md-type"), rights: document.getElementById("md-rights") };
      Object.keys(select).forEach(function (name) {
        var value = String(data[name] || "").replace(/^https:\/\//, "http://");
        if (select[name] && value && select[name].querySelector('option[value="' + CSS.escape(value) + '"]')) {
          select[name].value = value;
        }
      });
      var languages = [].concat(data.language || []);
      var others = [];
      form.querySelectorAll("input[name=language]").forEach(function (box) { box.checked = false; });
      languages.forEach(function (code) {
        var box = form.querySelector('input[name=language][value="' + CSS.escape(String(code)) + '"]');
        if (box) box.checked = true; else others.push(code);
      });
      if (languages.length) document.getElementById("md-language_other").value = others.join(", ");
      say(text("textPrefilled", {}));
    }).catch(function () {
      say(text("textBadJson", {}), true);
    });
  }

  function add(files) {
    files.forEach(function (file) {
      if (!file.name || file.name.charAt(0) === ".") return;
      if (chosen.some(function (c) { return c.file.name === file.name; })) return;
      if (file.name === "metadata.json") prefill(file);
      var row = document.createElement("li");
      var name = document.createElement("span");
      name.className = "name";
      name.textContent = file.name;
      var bytes = document.createElement("span");
      bytes.className = "size";
      bytes.textContent = size(file.size);
      var bar = document.createElement("progress");
      bar.max = 100;
      bar.value = 0;
      bar.setAttribute("aria-label", file.name);
      var state = document.createElement("span");
      state.className = "state";
      state.textContent = file.size > maxBytes ? text("textTooLarge", {}) : text("textWaiting", {});
      row.append(name, bytes, bar, state);
      list.append(row);
      chosen.push({ file: file, row: row, bar: bar, state: state });
    });
    chosen.sort(natural).forEach(function (c) { list.append(c.row); });
    say(text("textReady", { count: chosen.length }));
  }

  function readEntries(entry) {
    return new Promise(function (resolve) {
      if (entry.isFile) {
        entry.file(function (file) { resolve([file]); }, function () { resolve([]); });
        return;
      }
      var reader = entry.createReader();
      var found = [];
      (function next() {
        reader.readEntries(function (entries) {
          if (!entries.length) {
            Promise.all(found.map(readEntries)).then(function (lists) { resolve([].concat.apply([], lists)); });
            return;
          }
          found = found.concat(entries);
          next();
        }, function () { resolve([]); });
      })();
    });
  }

  input.addEventListener("change", function () { add([].slice.call(input.files)); });
  folder.addEventListener("change", function () { add([].slice.call(folder.files)); });
  ["dragenter", "dragover"].forEach(function (kind) {
    drop.addEventListener(kind, function (event) { event.preventDefault(); drop.classList.add("dragover"); });
  });
  drop.addEventListener("dragleave", function () { drop.classList.remove("dragover"); });
  drop.addEventListener("drop", function (event) {
    event.preventDefault();
    drop.classList.remove("dragover");
    var items = [].slice.call(event.dataTransfer.items || []);
    var entries = items.map(function (item) { return item.webkitGetAsEntry && item.webkitGetAsEntry(); });
    if (entries.length && entries.every(Boolean)) {
      Promise.all(entries.map(readEntries)).then(function (lists) { add([].concat.apply([], lists)); });
    } else {
      add([].slice.call(event.dataTransfer.files));
    }
  });

  function put(entry) {
    return new Promise(function (resolve, reject) {
      var xhr = new XMLHttpRequest();
      xhr.open("PUT", "/workspace/uploads/" + batch + "/" + encodeURIComponent(entry.file.name));
      xhr.setRequestHeader("X-CSRF-Token", csrf);
      xhr.setRequestHeader("Content-Type", "application/octet-stream");
      xhr.upload.addEventListener("progress", function (event) {
        if (event.lengthComputable) entry.bar.value = Math.round((100 * event.loaded) / event.total);
      });
      xhr.addEventListener("load", function () {
        if (xhr.status === 201) {
          entry.bar.value = 100;
          entry.state.textContent = text("textSent", {});
          entry.state.classList.add("state-done");
          resolve();
          return;
        }
        var message = text("textRefused", {}) + " (" + xhr.status + ")";
        try { message = JSON.parse(xhr.responseText).error || message; } catch (e) { /* not JSON */ }
        entry.state.textContent = message;
        entry.state.classList.add("state-failed");
        reject(new Error(message));
      });
      xhr.addEventListener("error", function () {
        entry.state.textContent = text("textLost", {});
        entry.state.classList.add("state-failed");
        reject(new Error(entry.file.name + ": " + text("textLost", {})));
      });
      entry.state.textContent = text("textSending", {});
      xhr.send(entry.file);
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (busy) return;
    if (!chosen.length) {
      say(text("textChoose", {}), true);
      input.focus();
      return;
    }
    var title = document.getElementById("md-title");
    if (!title.value.trim()) {
      say(text("textTitle", {}), true);
      title.focus();
      return;
    }
    busy = true;
    submit.disabled = true;
    var done = 0;
    chosen.reduce(function (previous, entry) {
      return previous.then(function () {
        say(text("textUploading", { name: entry.file.name, number: done + 1, count: chosen.length }));
        return put(entry).then(function () { done += 1; });
      });
    }, Promise.resolve()).then(function () {
      say(text("textStoring", {}));
      input.disabled = true;
      folder.disabled = true;
      form.enctype = "application/x-www-form-urlencoded";
      form.action = "/workspace/uploads/" + batch + "/finish";
      form.submit();
    }).catch(function (error) {
      busy = false;
      submit.disabled = false;
      say(error.message + " " + text("textNothing", {}), true);
    });
  });
}());
