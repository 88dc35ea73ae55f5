/* archive-search widget: a drop-in search box with suggestions as you type.
 *
 *   <script src="https://search.example/widget.js" defer></script>
 *   <div data-archive-search data-placeholder="Search the archive"></div>
 *
 * Light by default; data-theme="dark" on the placeholder makes it dark, data-theme="auto"
 * follows the reader's system preference (widget.css).
 *
 * Parts: where the script came from (its origin serves /suggest, / and widget.css), one
 * stylesheet link, and one combobox per placeholder (WAI-ARIA 1.2 combobox with a listbox
 * popup; focus stays in the input, aria-activedescendant names the active option).
 * Data from the API only ever reaches the page through textContent.
 */
(function () {
  "use strict";

  var DEBOUNCE_MS = 150;
  var LIMIT = 8;
  var KINDS = { person: "Person", place: "Place", title: "Title", term: "Word" };

  // document.currentScript is only set while this file first runs: capture it now.
  var script = document.currentScript;
  if (!script) {
    var all = document.querySelectorAll("script[src]");
    for (var i = 0; i < all.length; i++) {
      if (/\/widget\.js(?:[?#]|$)/.test(all[i].src)) script = all[i];
    }
  }
  if (!script) return;
  var origin = new URL(script.src, document.baseURI).origin;
  var counter = 0;

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    for (var name in attrs) node.setAttribute(name, attrs[name]);
    if (text != null) node.textContent = text;
    return node;
  }

  // The option text with the typed part in <mark>, built as text nodes.
  function fillText(node, text, typed) {
    var lower = text.toLowerCase();
    var at = typed && lower.length === text.length ? lower.indexOf(typed.toLowerCase()) : -1;
    if (at < 0) {
      node.textContent = text;
      return node;
    }
    node.appendChild(document.createTextNode(text.slice(0, at)));
    node.appendChild(el("mark", { class: "as-match" }, text.slice(at, at + typed.length)));
    node.appendChild(document.createTextNode(text.slice(at + typed.length)));
    return node;
  }

  function addStylesheet() {
    var href = origin + "/widget.css";
    var links = document.querySelectorAll("link[rel=stylesheet]");
    for (var i = 0; i < links.length; i++) if (links[i].href === href) return;
    document.head.appendChild(el("link", { rel: "stylesheet", href: href }));
  }

  function mount(host) {
    if (host.getAttribute("data-archive-search-ready")) return;
    host.setAttribute("data-archive-search-ready", "1");
    var n = ++counter;
    var ids = { input: "as-input-" + n, list: "as-list-" + n };
    var action = new URL(host.getAttribute("data-results-url") || "/", origin + "/").href;

    var form = el("form", { role: "search", action: action, method: "get", class: "as-form" });
    var label = el("label", { for: ids.input, class: "as-hidden" }, "Search the archive");
    var field = el("div", { class: "as-field" });
    var input = el("input", {
      id: ids.input,
      name: "q",
      type: "search",
      class: "as-input",
      role: "combobox",
      "aria-expanded": "false",
      "aria-controls": ids.list,
      "aria-autocomplete": "list",
      autocomplete: "off",
      autocapitalize: "off",
      spellcheck: "false",
      enterkeyhint: "search",
      placeholder: host.getAttribute("data-placeholder") || "Search the archive\u2026",
    });
    var list = el("ul", { id: ids.list, role: "listbox", class: "as-list", "aria-label": "Suggestions" });
    list.hidden = true;
    var button = el("button", { type: "submit", class: "as-button" }, "Search");
    var status = el("div", { class: "as-hidden", role: "status", "aria-live": "polite" });
    field.appendChild(input);
    field.appendChild(list);
    form.appendChild(label);
    form.appendChild(field);
    form.appendChild(button);
    form.appendChild(status);
    host.textContent = "";
    host.appendChild(form);
    // Keep focus in the input (and the list open) while an option or the scrollbar is pressed.
    list.addEventListener("mousedown", function (e) {
      e.preventDefault();
    });

    var options = [];  // [{text, kind, node}]
    var active = -1;
    var timer = 0;
    var controller = null;
    var seq = 0;
    var cache = {};

    function setActive(index) {
      if (active >= 0 && options[active]) {
        options[active].node.setAttribute("aria-selected", "false");
      }
      active = index;
      if (active >= 0) {
        var node = options[active].node;
        node.setAttribute("aria-selected", "true");
        input.setAttribute("aria-activedescendant", node.id);
        if (node.scrollIntoView) node.scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function open() {
      if (!options.length) return close();
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function close() {
      setActive(-1);
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
    }

    function isOpen() {
      return !list.hidden;
    }

    function render(items, typed) {
      setActive(-1);
      list.textContent = "";
      options = items.map(function (item, i) {
        var node = el("li", {
          id: ids.list + "-opt-" + i,
          role: "option",
          class: "as-option",
          "aria-selected": "false",
        });
        node.appendChild(fillText(el("span", { class: "as-text" }), item.text, typed));
        var kind = KINDS[item.kind] || item.kind;
        if (kind) node.appendChild(el("span", { class: "as-kind", "aria-hidden": "true" }, kind));
        node.addEventListener("mousemove", function () {
          if (active !== i) setActive(i);
        });
        node.addEventListener("click", function () {
          choose(i);
        });
        list.appendChild(node);
        return { text: item.text, kind: item.kind, node: node };
      });
      status.textContent = options.length
        ? options.length + (options.length === 1 ? " suggestion" : " suggestions") + " available."
        : "";
      if (options.length) open();
      else close();
    }

    function submit() {
      // HTMLFormElement.prototype.submit: immune to a control named "submit".
      HTMLFormElement.prototype.submit.call(form);
    }

    function choose(i) {
      input.value = options[i].text;
      close();
      submit();
    }

    function fetchSuggestions() {
      var text = input.value.trim();
      var mine = ++seq;
      if (controller) controller.abort();
      controller = null;
      if (!text) return render([]);
      if (cache[text]) return render(cache[text], text);
      var url = origin + "/suggest?q=" + encodeURIComponent(text) + "&limit=" + LIMIT;
      controller = typeof AbortController === "function" ? new AbortController() : null;
      fetch(url, {
        mode: "cors",
        credentials: "omit",
        signal: controller ? controller.signal : undefined,
      })
        .then(function (resp) {
          if (!resp.ok) throw new Error("HTTP " + resp.status);
          return resp.json();
        })
        .then(function (data) {
          var items = (data && data.suggestions) || [];
          items = items.filter(function (s) {
            return s && typeof s.text === "string";
          });
          cache[text] = items;
          // Only the newest request may paint, and only if the input still says the same.
          if (mine === seq && input.value.trim() === text) render(items, text);
        })
        .catch(function () {
          if (mine === seq) render([]);
        });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      setActive(-1);
      timer = setTimeout(fetchSuggestions, DEBOUNCE_MS);
    });

    input.addEventListener("keydown", function (e) {
      if (e.isComposing) return;
      var key = e.key;
      if (key === "ArrowDown" || key === "ArrowUp") {
        e.preventDefault();
        if (!isOpen()) {
          if (options.length) open();
          else if (input.value.trim()) {
            clearTimeout(timer);
            fetchSuggestions();
          }
          if (e.altKey || !options.length) return;
        }
        var count = options.length;
        var next = key === "ArrowDown" ? active + 1 : active - 1;
        if (active < 0 && key === "ArrowUp") next = count - 1;
        setActive(((next % count) + count) % count);
      } else if (key === "Enter") {
        if (isOpen() && active >= 0) {
          e.preventDefault();
          choose(active);
        } else {
          close();  // the form submits the typed text
        }
      } else if (key === "Escape") {
        if (isOpen()) {
          e.preventDefault();
          close();
        } else if (input.value) {
          e.preventDefault();
          clearTimeout(timer);
          seq++;
          input.value = "";
          render([]);
        }
      } else if (key === "Tab") {
        close();
      }
    });

    input.addEventListener("focus", function () {
      if (options.length && input.value.trim()) open();
    });

    form.addEventListener("focusout", function (e) {
      if (!e.relatedTarget || !form.contains(e.relatedTarget)) close();
    });

    form.addEventListener("submit", function (e) {
      if (!input.value.trim()) {
        e.preventDefault();
        input.focus();
      }
    });
  }

  function start() {
    var hosts = document.querySelectorAll("[data-archive-search]");
    if (!hosts.length) return;
    addStylesheet();
    for (var i = 0; i < hosts.length; i++) mount(hosts[i]);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
