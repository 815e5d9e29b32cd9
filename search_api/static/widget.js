/*
 * unioncat search widget for partner sites (school and district library pages).
 *
 *   <div data-unioncat-search></div>
 *   <script src="https://CATALOG/static/widget.js" defer></script>
 *
 * Renders a search box; results come from CATALOG/api/search (the partner's
 * origin must be in [api] cors_origins) and link to CATALOG/records/{id}.
 * All record text is inserted with textContent, never innerHTML.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  var base = script ? new URL(script.src).origin : "";

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function mount(host, index) {
    var id = "unioncat-q-" + index;
    var form = el("form", { role: "search", "class": "unioncat-form" });
    form.appendChild(el("label", { "for": id }, "Tìm trong mục lục liên hợp"));
    var input = el("input", { id: id, type: "search", name: "q", autocomplete: "off" });
    form.appendChild(input);
    form.appendChild(el("button", { type: "submit" }, "Tìm"));
    var status = el("p", { "class": "unioncat-status", "aria-live": "polite" });
    var list = el("ol", { "class": "unioncat-hits" });
    host.appendChild(form);
    host.appendChild(status);
    host.appendChild(list);

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var q = input.value.trim();
      if (!q) return;
      status.textContent = "Đang tìm…";
      list.textContent = "";
      var limit = host.getAttribute("data-size") || "10";
      fetch(base + "/api/search?size=" + encodeURIComponent(limit) + "&q=" + encodeURIComponent(q))
        .then(function (r) { return r.json().then(function (body) { return { ok: r.ok, body: body }; }); })
        .then(function (res) {
          if (!res.ok) { status.textContent = res.body.message || "Lỗi tìm kiếm"; return; }
          status.textContent = "Tìm thấy " + res.body.total + " tài liệu";
          res.body.hits.forEach(function (hit) {
            var item = el("li", { "class": "unioncat-hit" });
            var link = el("a", { href: base + "/records/" + encodeURIComponent(hit.id) }, hit.title);
            item.appendChild(link);
            var meta = [hit.authors.join("; "), hit.year].filter(Boolean).join(" · ");
            if (meta) item.appendChild(el("div", { "class": "unioncat-meta" }, meta));
            var names = hit.holdings.map(function (h) { return h.library_name || h.library; });
            item.appendChild(el("div", { "class": "unioncat-holdings" }, "Có tại: " + names.join(", ")));
            list.appendChild(item);
          });
          var more = el("a", { href: base + "/?q=" + encodeURIComponent(q) }, "Xem tất cả kết quả");
          var last = el("li", { "class": "unioncat-more" });
          last.appendChild(more);
          list.appendChild(last);
        })
        .catch(function () { status.textContent = "Không kết nối được với mục lục liên hợp."; });
    });
  }

  function start() {
    var hosts = document.querySelectorAll("[data-unioncat-search]");
    for (var i = 0; i < hosts.length; i++) mount(hosts[i], i);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
