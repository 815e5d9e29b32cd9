/*
 * unioncat search widget for partner sites (school and district library pages).
 *
 *   <div data-unioncat-search data-size="10"></div>
 *   <script src="https://CATALOG/widget.js" defer></script>
 *
 * CATALOG: the catalogue's address, with its path where a reverse proxy serves it at one
 *   (https://tinh.example.vn/mucluc).
 * data-size: hits shown per search (10 when absent; at most the catalogue's [api] max_page_size).
 * data-library: a library id (GET CATALOG/api/libraries): searches, and the "new" list,
 *   show only what that library holds (a school's or a district library's own page).
 * data-new: show this many new titles (as many as data-size takes) before any search, under
 *   "Tài liệu mới bổ sung"; a search replaces them.  Newest to the catalogue; with data-library,
 *   newest at that library: its own copies by when they came, though other libraries held the
 *   title before (sort=new with a library, index/arrivals.py).
 * A container may be any element (an <li> gets a <div> of its own inside it to hold the widget), and
 * may come later: one that a CMS, an AJAX load or a single-page app inserts after this script ran is
 * mounted when it enters the page or gets the attribute (a MutationObserver), each container once.  One that fails is named
 * in the browser's console; the others still work.
 * Renders a search box and results inside a Shadow DOM, so the host page's
 * styles do not leak in and ours do not leak out.  Results come from
 * CATALOG/api/search (the partner's origin must be in [api] cors_origins) and
 * link to CATALOG/records/{id}.  All record text is inserted with textContent,
 * never as markup.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  // The catalogue's address is the script's without "/widget.js" (or "/static/widget.js"): behind a
  // reverse proxy at a sub-path (https://tinh.example/mucluc/widget.js) the API is under it too.
  var base = "";
  if (script) {
    // An <a> parses the address: a partner page may have replaced the global URL (a polyfill, a router).
    var src = document.createElement("a");
    src.href = script.src;
    base = src.protocol + "//" + src.host + src.pathname.replace(/(\/static)?\/widget\.js$/, "");
  }
  var STYLE = [
    // The host element can be styled by the partner's own rules (".sidebar div {...}"),
    // which beat :host; inherited properties then flow in.  The wrapper inside the
    // shadow root, which no outside rule can reach, resets them all.
    ":host{all:initial;display:block}",
    // Our own background with our text colours: on a dark partner page, dark text on its
    // background was unreadable (WCAG 1.4.3; F24: a foreground colour without a background).
    ".unioncat{all:initial;display:block;font:16px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;" +
      // `all` leaves direction alone: on a right-to-left page the widget was laid out right to left.
      "color:#1b1b1b;background:#fff;padding:.5em;text-align:left;direction:ltr;" +
      // `all:initial` resets overflow-wrap too: a web address in a title widened a phone's page (WCAG 1.4.10).
      "overflow-wrap:anywhere}",
    "form{display:flex;flex-wrap:wrap;gap:.4em;align-items:center;margin:0 0 .6em}",
    "label{flex-basis:100%;font-weight:600}",
    "input{flex:1 1 12em;font:inherit;padding:.45em .6em;border:1px solid #6b6b6b;border-radius:4px}",
    "button{font:inherit;padding:.45em .9em;border:0;border-radius:4px;background:#0b5394;color:#fff;cursor:pointer}",
    // The yellow ring alone is 2.1:1 on a white page (WCAG 1.4.11 asks 3:1): a dark ring under it, as on the page.
    "button:focus-visible,input:focus-visible,a:focus-visible{outline:3px solid #f0a500;outline-offset:2px;" +
      "box-shadow:0 0 0 5px #1b1b1b}",
    "ol{list-style:none;margin:0;padding:0}",
    "li{padding:.5em 0;border-top:1px solid #ddd}",
    "a{color:#0b5394}",
    ".meta,.holdings{font-size:.9em;color:#444}",
    ".status{font-size:.95em}",
    ".status p{margin:.3em 0}",
    ".caption{margin:.3em 0;font-weight:600}",
    ".suggestion:empty{display:none}",
    // The suggested words look like a link (they are one on the page), with a 24px target (WCAG 2.5.8).
    ".suggestion button{background:none;color:#0b5394;padding:.1em .2em;min-height:24px;text-decoration:underline}",
    ".more{margin:.5em 0 0}"
  ].join("\n");

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  // Each field in a <bdi> of its own, `between` them: a bidi control left open in one (an RLO in an author)
  // or a right-to-left name cannot reorder the fields after it, as the page isolates them.
  function isolated(parent, fields, between) {
    fields.filter(Boolean).forEach(function (text, i) {
      if (i) parent.appendChild(document.createTextNode(between));
      parent.appendChild(el("bdi", {}, text));
    });
    return parent;
  }

  // Each holding library once, with its call numbers, as the page counts libraries and not copies.
  function libraries(holdings) {
    var seen = {}, order = [];
    holdings.forEach(function (h) {
      var entry = seen[h.library];
      if (!entry) {
        entry = seen[h.library] = { name: h.library_name || h.library, calls: [] };
        order.push(entry);
      }
      if (h.call_number && entry.calls.indexOf(h.call_number) < 0) entry.calls.push(h.call_number);
    });
    return order.map(function (e) { return e.name + (e.calls.length ? " (" + e.calls.join("; ") + ")" : ""); });
  }

  // A record's language (MARC code) as the lang of its title, as the page does (search_api/present.py
  // HTML_LANG, the common ones): a screen reader reads an English title with English rules.
  var LANG = { eng: "en", fre: "fr", fra: "fr", rus: "ru", chi: "zh", zho: "zh", jpn: "ja", kor: "ko",
               ger: "de", deu: "de", khm: "km", lao: "lo", tha: "th", spa: "es" };

  // The new titles shown on arrival are named by a caption, not put in the live status region:
  // a screen reader announces that region's changes as answers to what the visitor did.
  function render(list, more, message, caption, suggestion, body, q, pageUrl) {
    if (q === null) {
      caption.hidden = body.total === 0;
      list.setAttribute("aria-labelledby", caption.id);
    } else if (body.indexed === false) {
      // Before the first index run every search finds 0: that is no answer to the visitor's words.
      message.textContent = "Mục lục liên hợp chưa sẵn sàng để tìm (dữ liệu của các thư viện đang được lập " +
        "chỉ mục lần đầu). Xin thử lại sau.";
    } else {
      // No hit: the page's words, which say what to try (not "Tìm thấy 0 tài liệu").
      message.textContent = body.total === 0 ? "Không tìm thấy tài liệu nào. Thử bỏ bớt từ hoặc bộ lọc." :
        (body.fuzzy ? "Không tìm thấy kết quả chính xác; hiển thị kết quả gần đúng. " : "") +
        "Tìm thấy " + body.total + " tài liệu";
      list.setAttribute("aria-labelledby", message.id);
      // A typo's spelling, or "kieu OR conan" for "kieu or conan" (lower-case operators are words).
      if (body.suggestion || body.operators) offer(suggestion, body.suggestion || body.operators);
    }
    body.hits.forEach(function (hit) {
      var item = el("li", { "class": "hit", part: "hit" });
      // The part too, as the page shows it: volumes of a set are records of their own.
      var title = hit.title + (hit.subtitle ? ": " + hit.subtitle : "") + (hit.part ? ". " + hit.part : "");
      var link = el("a", { "class": "title", href: base + "/records/" + encodeURIComponent(hit.id),
                           target: "_blank", rel: "noopener" }, title);
      if (LANG[hit.language]) link.setAttribute("lang", LANG[hit.language]);
      item.appendChild(link);
      var meta = isolated(el("div", { "class": "meta" }), [(hit.authors || []).join("; "), hit.publisher, hit.year],
                          " · ");
      if (meta.childNodes.length) item.appendChild(meta);
      var holdings = el("div", { "class": "holdings" }, "Có tại: ");
      item.appendChild(isolated(holdings, libraries(hit.holdings || []), ", "));
      list.appendChild(item);
    });
    // Beside the list, not an item of it: the list holds the hits only, and no link follows no hit.
    if (body.total > 0) {
      more.appendChild(el("a", { href: pageUrl, target: "_blank", rel: "noopener" },
                          q === null ? "Xem tất cả tài liệu mới" : "Xem tất cả kết quả"));
    }
  }

  // "Có phải bạn muốn tìm: …?" after a typo, as the page asks. A button, not a link: it searches here.
  function offer(suggestion, words) {
    suggestion.appendChild(document.createTextNode("Có phải bạn muốn tìm: "));
    suggestion.appendChild(el("button", { type: "button", "class": "suggested" }, words));
    suggestion.appendChild(document.createTextNode("?"));
  }

  // A constructed style sheet is not inline style: a partner page whose Content-Security-Policy
  // forbids inline styles (style-src 'self') blocked our <style> element and showed the widget unstyled.
  // Browsers without constructable sheets (Safari before 16.4) get the <style> element.
  function addStyle(root) {
    if (root.adoptedStyleSheets !== undefined && typeof CSSStyleSheet === "function") {
      try {
        var sheet = new CSSStyleSheet();
        sheet.replaceSync(STYLE);
        root.adoptedStyleSheets = [sheet];
        return;
      } catch (e) { /* an older engine without the constructor: the element below */ }
    }
    root.appendChild(el("style", {}, STYLE));
  }

  // data-size as hits per search: a typo ("-5") or more than the API gives in one page ("500")
  // made every search of that widget a 400.  /widget.js writes [api] max_page_size here: a fixed 50
  // failed every load of data-new="30" on a catalogue that gives 20.
  var MAX_PAGE_SIZE = 100;
  // The longest query, as the page and the API take it: /widget.js writes [api] max_query_chars here.
  var MAX_QUERY_CHARS = 1000;
  var TIMEOUT_MS = 15000;  // a search answers in well under a second; a visitor gives up sooner than this
  function pageSize(attribute) {
    var size = parseInt(attribute || "10", 10);
    return Math.min(size >= 1 ? size : 10, MAX_PAGE_SIZE);
  }

  // An element that cannot take a shadow root (<li>, <td>, <ul>, <a>…: attachShadow throws NotSupportedError)
  // carries the widget in a <div> of its own, so <li data-unioncat-search> works as a <div> does.
  function shadowRootIn(host) {
    try {
      return host.attachShadow({ mode: "open" });
    } catch (e) {
      if (e.name !== "NotSupportedError") throw e;
      return host.appendChild(el("div")).attachShadow({ mode: "open" });
    }
  }

  function mount(host, index) {
    var root = shadowRootIn(host);
    addStyle(root);
    var id = "unioncat-q-" + index;
    var form = el("form", { role: "search", "class": "form" });
    form.appendChild(el("label", { "for": id }, host.getAttribute("data-label") || "Tìm trong mục lục liên hợp"));
    var input = el("input", { id: id, type: "search", name: "q", autocomplete: "off", maxlength: String(MAX_QUERY_CHARS) });
    form.appendChild(input);
    form.appendChild(el("button", { type: "submit" }, "Tìm"));
    // One live region for everything a search answers: the count or the error, and "Có phải bạn muốn tìm"
    // (outside it, a screen reader heard the count and never the suggestion). It is in the page, empty,
    // from the start: a region added or unhidden with its text is not announced.
    var status = el("div", { "class": "status", role: "status", "aria-live": "polite" });
    var message = el("p", { "class": "message", id: "unioncat-status-" + index });
    var suggestion = el("p", { "class": "suggestion" });
    status.appendChild(message);
    status.appendChild(suggestion);
    var caption = el("p", { "class": "caption", id: "unioncat-new-" + index, hidden: "" }, "Tài liệu mới bổ sung");
    var list = el("ol", { "class": "hits" });
    var more = el("p", { "class": "more" });
    // lang: the widget's words are Vietnamese on partner pages in any language (WCAG 3.1.2); dir: and they
    // read left to right on a right-to-left page.
    var wrapper = el("div", { "class": "unioncat", lang: "vi", dir: "ltr" });
    wrapper.appendChild(form);
    wrapper.appendChild(status);
    wrapper.appendChild(caption);
    wrapper.appendChild(list);
    wrapper.appendChild(more);
    root.appendChild(wrapper);

    var latest = 0;  // only the newest search may draw: an older answer arriving late is dropped
    var library = host.getAttribute("data-library");
    // q === null: the newest titles (data-new), not a search.
    function show(q, size) {
      var search = ++latest;
      message.textContent = q === null ? "" : "Đang tìm…";
      caption.hidden = true;
      list.removeAttribute("aria-labelledby");
      list.textContent = "";
      more.textContent = "";
      suggestion.textContent = "";
      var query = (q === null ? "sort=new" : "q=" + encodeURIComponent(q)) +
        (library ? "&library=" + encodeURIComponent(library) : "");
      // A server that never answers would leave "Đang tìm…" on the partner's page for good.
      var controller = typeof AbortController === "function" ? new AbortController() : null;
      var timer = controller ? setTimeout(function () { controller.abort(); }, TIMEOUT_MS) : null;
      fetch(base + "/api/search?size=" + size + "&" + query, controller ? { signal: controller.signal } : {})
        .then(function (r) {
          return r.json().then(function (body) { return { ok: r.ok, code: r.status, body: body }; });
        })
        .then(function (res) {
          if (search !== latest) return;
          // A 400 says what in the query is wrong; a 5xx message is for the operator (English, server paths).
          if (!res.ok && res.code >= 500) {
            message.textContent = "Mục lục liên hợp tạm thời không trả lời (lỗi " + res.code + "). Xin thử lại sau.";
            return;
          }
          // A query error's reason, as the page words it; the message quotes the query back, for developers.
          // A FilterError is the embed code's (a data-library the catalogue has no library of), not the
          // visitor's words: said so, or an empty list looked like a library that holds nothing.
          if (!res.ok) {
            message.textContent = res.body.error === "FilterError" && res.body.reason
              ? "Tiện ích tìm kiếm trên trang này đặt sai thư viện: " + res.body.reason
              : res.body.reason ? "Không hiểu câu tìm: " + res.body.reason
                                : res.body.message || "Lỗi tìm kiếm";
            return;
          }
          render(list, more, message, caption, suggestion, res.body, q, base + "/?" + query);
        })
        .catch(function (error) {
          if (search !== latest) return;
          message.textContent = error && error.name === "AbortError"
            ? "Mục lục liên hợp không trả lời kịp. Xin thử lại sau."
            : "Không kết nối được với mục lục liên hợp.";
        })
        .then(function () { if (timer) clearTimeout(timer); });
    }
    // The button goes with the results it came with: focus goes back to the box that now holds its words.
    suggestion.addEventListener("click", function (event) {
      if (!event.target.closest("button")) return;
      input.value = event.target.textContent;
      input.focus();
      show(input.value, pageSize(host.getAttribute("data-size")));
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var q = input.value.trim();
      if (q) show(q, pageSize(host.getAttribute("data-size")));
    });
    if (host.hasAttribute("data-new")) show(null, pageSize(host.getAttribute("data-new")));
  }

  // Mounted containers are marked on the element, where a second copy of this script sees it too.
  var MOUNTED = "unioncatMounted";
  var mounted = 0;
  // Each container on its own: one that fails is named in the console, and the others still get their widget.
  function mountOnce(host) {
    if (host[MOUNTED] || host.shadowRoot) return;  // by this script included twice, or another copy of it
    host[MOUNTED] = true;
    try {
      mount(host, mounted++);
    } catch (e) {
      var name = host.tagName.toLowerCase() + (host.id ? "#" + host.id : "");
      console.error("unioncat widget: the container " + name + " on " + location.href + " could not be mounted (" +
                    e + "); put data-unioncat-search on an empty <div> of its own.", host);
    }
  }

  var SELECTOR = "[data-unioncat-search]";
  // `node` itself and the containers inside it.
  function mountWithin(node) {
    if (node.nodeType !== 1) return;
    if (node.matches(SELECTOR)) mountOnce(node);
    var hosts = node.querySelectorAll(SELECTOR);
    for (var i = 0; i < hosts.length; i++) mountOnce(hosts[i]);
  }

  // The containers there now, then those a CMS, an AJAX load or a single-page app inserts later.
  // Our own drawing happens inside shadow roots, which the observer does not see.
  function start() {
    mountWithin(document.documentElement);
    if (typeof MutationObserver !== "function") return;
    // An element given the attribute later is a container too (a template filled in by a script).
    new MutationObserver(function (changes) {
      changes.forEach(function (change) {
        if (change.type === "attributes") mountWithin(change.target);
        else Array.prototype.forEach.call(change.addedNodes, mountWithin);
      });
    }).observe(document, { childList: true, subtree: true, attributes: true,
                           attributeFilter: ["data-unioncat-search"] });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
