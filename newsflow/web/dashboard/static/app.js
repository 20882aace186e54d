// Polls /api/snapshot once a second and swaps in the server-rendered feed and stats.
(function () {
  "use strict";
  var version = null;
  var feed = document.getElementById("feed");
  var stats = document.getElementById("stats");
  var count = document.getElementById("count");
  var clusters = document.getElementById("clusters");
  var status = document.getElementById("status");

  function apply(doc) {
    if (doc.feed_html !== undefined) {
      feed.innerHTML = doc.feed_html;
      version = doc.version;
      document.body.dataset.version = String(doc.version);
    }
    stats.innerHTML = doc.stats_html;
    count.textContent = String(doc.count);
    clusters.textContent = String(doc.clusters);
    status.textContent = doc.status;
    status.className = doc.status === "following" ? "ok" : "warn";
  }

  function poll() {
    var url = "/api/snapshot" + (version === null ? "" : "?version=" + encodeURIComponent(version));
    fetch(url, {cache: "no-store"})
      .then(function (r) { if (!r.ok) { throw new Error("HTTP " + r.status); } return r.json(); })
      .then(apply)
      .catch(function (err) { status.textContent = "dashboard unreachable: " + err.message; status.className = "warn"; })
      .then(function () { window.setTimeout(poll, 1000); });
  }
  poll();
})();
