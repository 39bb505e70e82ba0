/* The search page's script (plugins/search): the only script of the site.
 *
 * Progressive enhancement: the page already lists every piece of its
 * language by section.  When the page is served over HTTP(S), this shows a
 * search box and runs Pagefind from the index at the site's root; from
 * file:// (where the index cannot be fetched) or when the index does not
 * load, it leaves the page as it is.  Every address comes from the page's
 * data attributes, relative to the page, so the same files work under any
 * domain and sub-path; nothing is ever fetched from another host.
 * Pagefind picks the index of the page's <html lang>.
 */
(function () {
  "use strict";

  var root = document.getElementById("search");
  if (!root || !/^https?:$/.test(window.location.protocol)) {
    return;
  }
  var box = root.querySelector(".search-box");
  var input = root.querySelector("input");
  var status = root.querySelector(".search-status");
  var list = root.querySelector(".search-results");
  var fallback = document.querySelector(".search-fallback");
  var siteRoot = new URL(".", new URL(root.getAttribute("data-root"), document.baseURI));
  var bundle = new URL(root.getAttribute("data-index-script"), document.baseURI);
  var MAX_RESULTS = 20;
  var pagefind = null;
  var latest = 0;

  function say(text) {
    status.textContent = text;
  }

  function message(name, values) {
    return root.getAttribute("data-" + name).replace(/\{(\w+)\}/g, function (whole, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? values[key] : whole;
    });
  }

  /* Pagefind's excerpt is HTML with <mark> around the matches: keep the
   * text and the marks, nothing else (no markup from the index reaches the
   * page as HTML). */
  function excerpt(html) {
    var paragraph = document.createElement("p");
    paragraph.className = "search-excerpt";
    var parsed = new DOMParser().parseFromString("<body>" + html, "text/html").body;
    parsed.childNodes.forEach(function (node) {
      if (node.nodeName === "MARK") {
        var mark = document.createElement("mark");
        mark.textContent = node.textContent;
        paragraph.appendChild(mark);
      } else {
        paragraph.appendChild(document.createTextNode(node.textContent));
      }
    });
    return paragraph;
  }

  /* A result's address inside this copy: Pagefind gives it from the root of
   * the site (baseUrl below is this copy's root path). */
  function address(data) {
    var url = new URL(data.url, siteRoot);
    if (url.origin !== siteRoot.origin) {
      return null;
    }
    return url.href;
  }

  function show(term, results) {
    list.textContent = "";
    results.forEach(function (data) {
      var href = address(data);
      if (!href) {
        return;
      }
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = href;
      link.textContent = (data.meta && data.meta.title) || href;
      item.appendChild(link);
      if (data.meta && data.meta.original) {
        var original = document.createElement("span");
        original.className = "orig-lang";
        original.textContent = " (" + data.meta.original + ")";
        item.appendChild(original);
      }
      item.appendChild(excerpt(data.excerpt || ""));
      list.appendChild(item);
    });
    list.hidden = results.length === 0;
  }

  function run(term) {
    var ticket = ++latest;
    term = term.trim();
    if (!term) {
      list.hidden = true;
      list.textContent = "";
      say("");
      return;
    }
    pagefind.search(term).then(function (search) {
      if (ticket !== latest) {
        return null;
      }
      var total = search.results.length;
      return Promise.all(search.results.slice(0, MAX_RESULTS).map(function (result) {
        return result.data();
      })).then(function (results) {
        if (ticket !== latest) {
          return;
        }
        show(term, results);
        say(total ? message("results", { count: String(total) }) : message("none", { query: term }));
      });
    }).catch(failed);
  }

  function failed() {
    box.hidden = true;
    list.hidden = true;
    if (fallback) {
      fallback.hidden = false;
    }
    say(message("failed", {}));
  }

  import(bundle.href).then(function (module) {
    pagefind = module;
    return pagefind.options({ baseUrl: siteRoot.pathname });
  }).then(function () {
    return pagefind.init();
  }).then(function () {
    box.hidden = false;
    if (fallback) {
      fallback.hidden = true;
    }
    var timer = null;
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () { run(input.value); }, 150);
    });
    var query = new URLSearchParams(window.location.search).get("q");
    if (query) {
      input.value = query;
      run(query);
    }
  }).catch(failed);
}());
