// The inspector's checklist page: every answer is saved as soon as it is given. While the phone
// is offline the answer (with its photo) waits in IndexedDB, keyed by visit and item, so a
// newer answer to the same item replaces the waiting one; when the connection returns each
// waiting answer is sent to the API, which keeps one answer per item (no duplicates).
(function () {
  "use strict";
  var forms = document.querySelectorAll("form.answer-form");
  if (!forms.length || !window.indexedDB || !window.fetch) return;
  var status = document.getElementById("sync-status");
  var csrf = forms[0].querySelector("input[name=csrfmiddlewaretoken]").value;
  var dbPromise = new Promise(function (resolve, reject) {
    var open = indexedDB.open("jianguan-inspections", 1);
    open.onupgradeneeded = function () { open.result.createObjectStore("answers"); };
    open.onsuccess = function () { resolve(open.result); };
    open.onerror = function () { reject(open.error); };
  });

  function store(mode, fn) {
    return dbPromise.then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction("answers", mode);
        var request = fn(tx.objectStore("answers"));
        tx.oncomplete = function () { resolve(request && request.result); };
        tx.onerror = function () { reject(tx.error); };
      });
    });
  }

  function show(text, kind) {
    status.textContent = text;
    status.className = "alert py-2 small alert-" + kind;
  }

  function refresh() {
    return store("readonly", function (s) { return s.count(); }).then(function (n) {
      if (!navigator.onLine) show(status.dataset.offline + " " + status.dataset.pending + " " + n, "warning");
      else if (n) show(status.dataset.pending + " " + n, "warning");
      else show(status.dataset.synced, "success");
      status.dataset.pendingCount = String(n);
    });
  }

  function send(record) {
    var body = new FormData();
    body.append("item", record.item);
    body.append("result", record.result);
    body.append("note", record.note);
    if (record.photo) {
      body.append("photo", record.photo, record.photo.name || "photo.jpg");
      body.append("captured_at", record.capturedAt);
    }
    return fetch(record.api, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrf, Accept: "application/json" },
    });
  }

  var flushing = null;
  function flush() {
    if (flushing) return flushing;
    flushing = store("readonly", function (s) { return s.getAll(); }).then(function (records) {
      return records.reduce(function (chain, record) {
        return chain.then(function () {
          if (!navigator.onLine) return;
          return send(record).then(function (response) {
            // Sent (or refused for good, e.g. not a photo): it no longer waits.
            if (response.ok || (response.status >= 400 && response.status < 500)) {
              return store("readwrite", function (s) { return s.delete(record.key); }).then(function () {
                mark(record.item, response.ok);
              });
            }
          }, function () { /* still offline: keep it */ });
        });
      }, Promise.resolve());
    }).then(refresh, refresh).then(function () { flushing = null; });
    return flushing;
  }

  function mark(item, ok) {
    var form = document.querySelector('form.answer-form[data-item="' + item + '"]');
    if (form) form.dataset.saved = ok ? "yes" : "refused";
  }

  forms.forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var result = form.querySelector("input[name=result]:checked");
      if (!result) { form.querySelector(".btn-group").classList.add("border", "border-danger"); return; }
      var file = form.querySelector("input[name=photo]").files[0] || null;
      var record = {
        key: form.dataset.api + "#" + form.dataset.item,
        api: form.dataset.api,
        item: form.dataset.item,
        result: result.value,
        note: form.querySelector("textarea[name=note]").value,
        photo: file,
        capturedAt: file ? new Date(file.lastModified || Date.now()).toISOString() : "",
      };
      form.dataset.saved = "waiting";
      store("readwrite", function (s) { return s.put(record, record.key); }).then(flush);
    });
  });
  window.addEventListener("online", flush);
  window.addEventListener("offline", refresh);
  flush();
})();
