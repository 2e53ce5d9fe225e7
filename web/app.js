// newsdesk's web front end: one page, no build step, no dependencies.
//
// Every state is a URL: the search view is "/?q=…&outlet=…&person=…&from=…
// &to=…&sort=…&page=…", the article view "/articles/{id}?q=…". Links and
// controls change the URL and render from it, so back, forward, reload and
// sharing all work. Text from articles is only ever set as text; the one
// markup the API sends (<mark> in snippets) is rebuilt from a parsed copy,
// element by element, so nothing else can get through.
"use strict";

const PAGE_SIZE = 10;
/// How many significant words the sidebar lists.
const TERMS = 10;
const MAX_OFFSET = 10000;

const $ = (id) => document.getElementById(id);

/// Creates an element with attributes and children (strings become text).
function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "class") node.className = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/// Text with <mark> highlights, from the API's escaped HTML, as DOM nodes:
/// only text and <mark> elements survive.
function marked(html) {
  const parsed = new DOMParser().parseFromString(`<body>${html}</body>`, "text/html");
  const out = document.createDocumentFragment();
  const copy = (from, to) => {
    for (const node of from.childNodes) {
      if (node.nodeType === Node.TEXT_NODE) {
        to.append(document.createTextNode(node.textContent));
      } else if (node.nodeType === Node.ELEMENT_NODE && node.tagName === "MARK") {
        const mark = document.createElement("mark");
        copy(node, mark);
        to.append(mark);
      } else if (node.nodeType === Node.ELEMENT_NODE) {
        to.append(document.createTextNode(node.textContent));
      }
    }
  };
  copy(parsed.body, out);
  return out;
}

const dayFormat = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
const monthFormat = new Intl.DateTimeFormat("en-GB", { month: "short", year: "numeric", timeZone: "UTC" });

/// "14 Aug 2025" for an API date ("2025-08-14" or an RFC 3339 time).
function showDate(value) {
  if (!value) return "";
  const day = value.slice(0, 10);
  const date = new Date(`${day}T00:00:00Z`);
  return Number.isNaN(date.getTime()) ? value : dayFormat.format(date);
}

function showBucket(key) {
  const date = new Date(key.length === 7 ? `${key}-01T00:00:00Z` : `${key}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return key;
  return key.length === 7 ? monthFormat.format(date) : dayFormat.format(date);
}

/// The last day of a month bucket ("2025-02" → "2025-02-28").
function lastDay(month) {
  const [year, m] = month.split("-").map(Number);
  const date = new Date(Date.UTC(year, m, 0));
  return date.toISOString().slice(0, 10);
}

// ---------------------------------------------------------------------
// State: read from and written to the URL.

function readState() {
  const params = new URLSearchParams(location.search);
  const articleMatch = location.pathname.match(/^\/articles\/([^/]+)$/);
  return {
    article: articleMatch ? decodeURIComponent(articleMatch[1]) : null,
    q: params.get("q") || "",
    outlet: params.getAll("outlet").filter(Boolean),
    person: params.getAll("person").filter(Boolean),
    from: params.get("from") || "",
    to: params.get("to") || "",
    sort: params.get("sort") || "relevance",
    page: Math.max(1, parseInt(params.get("page") || "1", 10) || 1),
  };
}

function searchParams(state) {
  const params = new URLSearchParams();
  if (state.q) params.set("q", state.q);
  for (const outlet of state.outlet) params.append("outlet", outlet);
  for (const person of state.person) params.append("person", person);
  if (state.from) params.set("from", state.from);
  if (state.to) params.set("to", state.to);
  if (state.sort && state.sort !== "relevance") params.set("sort", state.sort);
  if (state.page > 1) params.set("page", String(state.page));
  return params;
}

function searchUrl(state) {
  const query = searchParams(state).toString();
  return query ? `/?${query}` : "/";
}

function go(url) {
  history.pushState(null, "", url);
  render();
}

/// Changes the search state (back to page 1 unless `page` is given).
function update(changes) {
  const state = { ...readState(), page: 1, ...changes, article: null };
  // On a phone the filters cover the results: fold them once one is chosen.
  if (window.matchMedia("(max-width: 760px)").matches) $("filters").open = false;
  go(searchUrl(state));
}

// ---------------------------------------------------------------------
// Talking to the API.

let pending = null;

async function api(path) {
  if (pending) pending.abort();
  pending = new AbortController();
  const response = await fetch(path, { signal: pending.signal, headers: { Accept: "application/json" } });
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    const message = body && body.error ? body.error.message : `The server answered ${response.status}.`;
    throw new Error(message);
  }
  return body;
}

function showError(message) {
  const box = $("error");
  box.textContent = message;
  box.hidden = !message;
}

// ---------------------------------------------------------------------
// The search view.

async function renderSearch(state) {
  $("article-view").hidden = true;
  $("search-view").hidden = false;
  document.title = state.q ? `${state.q} — newsdesk` : "newsdesk";
  $("q").value = state.q;
  $("sort").value = state.sort;
  renderChips(state);
  document.body.classList.add("loading");
  const params = searchParams(state);
  params.delete("page");
  params.set("limit", String(PAGE_SIZE));
  params.set("offset", String((state.page - 1) * PAGE_SIZE));
  params.set("terms", String(TERMS));
  let results;
  try {
    results = await api(`/api/search?${params}`);
  } catch (error) {
    if (error.name === "AbortError") return;
    document.body.classList.remove("loading");
    showError(error.message);
    return;
  }
  // A histogram that spans a few months is clearer by day.
  let histogram = results.facets.date;
  if (histogram.length > 0 && monthSpan(histogram) <= 3) {
    const days = new URLSearchParams(params);
    days.set("limit", "0");
    days.set("offset", "0");
    days.set("histogram", "day");
    days.delete("terms");
    try {
      histogram = (await api(`/api/search?${days}`)).facets.date;
    } catch (error) {
      if (error.name === "AbortError") return;
    }
  }
  document.body.classList.remove("loading");
  showError("");
  renderSummary(state, results);
  renderWarnings(results.warnings);
  renderHits(state, results);
  renderPager(state, results.total);
  renderFacet($("outlet-facet"), results.facets.outlet, state.outlet, "outlet");
  renderFacet($("people-facet"), results.facets.people, state.person, "person");
  renderTerms(state, results.facets.terms);
  renderHistogram(state, histogram);
}

function renderSummary(state, results) {
  const total = results.total;
  const words = total === 1 ? "1 article" : `${total.toLocaleString("en-GB")} articles`;
  const from = (state.page - 1) * PAGE_SIZE + 1;
  const to = from + results.hits.length - 1;
  const range = results.hits.length && total > results.hits.length ? `, showing ${from}–${to}` : "";
  $("summary").textContent = `${words}${range} · ${results.took_ms} ms`;
}

function renderWarnings(warnings) {
  const box = $("warnings");
  box.replaceChildren();
  if (!warnings.length) {
    box.hidden = true;
    return;
  }
  box.append(
    el("p", {}, "Part of the query was not understood, so we searched for the rest:"),
    el("ul", {}, warnings.map((w) => el("li", {}, w))),
  );
  box.hidden = false;
}

function renderHits(state, results) {
  const list = $("hits");
  list.replaceChildren();
  list.start = (state.page - 1) * PAGE_SIZE + 1;
  for (const hit of results.hits) {
    const href = `/articles/${encodeURIComponent(hit.id)}${state.q ? `?${new URLSearchParams({ q: state.q })}` : ""}`;
    const title = el("a", { href, class: hit.title_source === "lede" ? "lede" : null, "data-id": hit.id }, hit.title);
    title.addEventListener("click", (event) => {
      if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
      event.preventDefault();
      go(href);
    });
    const meta = [hit.outlet, showDate(hit.date)].filter(Boolean).join(" · ");
    list.append(
      el(
        "li",
        { class: "hit" },
        el("h3", {}, title, hit.title_source === "lede" ? el("span", { class: "tag", title: "The article has no headline; this is its first sentence." }, "no headline") : null),
        meta ? el("p", { class: "meta" }, meta) : null,
        hit.snippets.map((snippet) => el("p", { class: "snippet" }, marked(snippet))),
        hit.people.length
          ? el("p", { class: "people-line" }, "People: ", hit.people.slice(0, 6).map((p, i) => [i ? ", " : "", personLink(p)]), hit.people.length > 6 ? ` and ${hit.people.length - 6} more` : "")
          : null,
      ),
    );
  }
  const empty = $("empty");
  empty.replaceChildren();
  empty.hidden = results.total > 0;
  if (results.total === 0) {
    const filters = state.outlet.length + state.person.length + (state.from ? 1 : 0) + (state.to ? 1 : 0);
    empty.append(
      el("h2", {}, state.q ? `Nothing matches “${state.q}”` : "No articles match these filters"),
      el(
        "ul",
        {},
        filters ? el("li", {}, "Remove a filter: each one narrows the search.") : null,
        state.q && state.q.trim().includes(" ") ? el("li", {}, "Use fewer words, or OR between alternatives: all words must match.") : null,
        state.q && state.q.includes('"') ? el("li", {}, "Drop the quotes: a phrase must match word for word.") : null,
        el("li", {}, "Check the spelling, or try a word's beginning with *, such as negotiat*."),
      ),
      filters ? el("p", {}, el("a", { href: searchUrl({ ...state, outlet: [], person: [], from: "", to: "", page: 1 }), onclick: linkHandler }, "Search again without filters")) : null,
    );
  }
}

function personLink(name) {
  return el("a", { href: searchUrl({ ...readState(), article: null, person: [name], outlet: [], q: "", page: 1, from: "", to: "" }), onclick: linkHandler, class: "person" }, name);
}

function linkHandler(event) {
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
  event.preventDefault();
  go(event.currentTarget.getAttribute("href"));
}

function renderPager(state, total) {
  const pages = Math.max(1, Math.ceil(Math.min(total, MAX_OFFSET + PAGE_SIZE) / PAGE_SIZE));
  const pager = $("pager");
  pager.hidden = pages <= 1;
  $("prev").disabled = state.page <= 1;
  $("next").disabled = state.page >= pages;
  $("page-label").textContent = `Page ${state.page} of ${pages.toLocaleString("en-GB")}`;
}

function renderFacet(list, values, active, name) {
  list.replaceChildren();
  if (!values.length) {
    list.append(el("li", { class: "none" }, "None in these results"));
    return;
  }
  for (const { value, count } of values) {
    const on = active.includes(value);
    const label = `${on ? "Remove" : "Filter by"} ${name} ${value} (${count})`;
    list.append(
      el(
        "li",
        {},
        el(
          "button",
          {
            type: "button",
            class: on ? "facet-value on" : "facet-value",
            "aria-pressed": on ? "true" : "false",
            "aria-label": label,
            onclick: () => {
              const state = readState();
              const values = on ? state[name].filter((v) => v !== value) : [...state[name], value];
              update({ [name]: values });
            },
          },
          el("span", { class: "facet-name" }, value),
          el("span", { class: "count" }, count.toLocaleString("en-GB")),
        ),
      ),
    );
  }
}

/// The words that set the results apart; a click adds one to the query.
function renderTerms(state, terms) {
  const list = $("terms-facet");
  list.replaceChildren();
  if (!terms.length) {
    list.append(el("li", { class: "none" }, "None in these results"));
    return;
  }
  for (const { value, count } of terms) {
    const button = el(
      "button",
      { type: "button", class: "facet-value", "aria-label": `Add ${value} to the query (${count})`, onclick: () => update({ q: `${state.q} ${value}`.trim() }) },
      el("span", { class: "facet-name" }, value),
      el("span", { class: "count" }, count.toLocaleString("en-GB")),
    );
    list.append(el("li", {}, button));
  }
}

function renderChips(state) {
  const chips = $("active-filters");
  chips.replaceChildren();
  const chip = (label, remove) =>
    el("button", { type: "button", class: "chip", "aria-label": `Remove filter ${label}`, onclick: remove }, label, el("span", { "aria-hidden": "true" }, " ×"));
  for (const outlet of state.outlet) chips.append(chip(`outlet: ${outlet}`, () => update({ outlet: state.outlet.filter((o) => o !== outlet) })));
  for (const person of state.person) chips.append(chip(`person: ${person}`, () => update({ person: state.person.filter((p) => p !== person) })));
  if (state.from) chips.append(chip(`from ${showDate(state.from)}`, () => update({ from: "" })));
  if (state.to) chips.append(chip(`to ${showDate(state.to)}`, () => update({ to: "" })));
}

/// How many months month buckets span, first to last, both included.
function monthSpan(buckets) {
  const month = (key) => {
    const [year, m] = key.split("-").map(Number);
    return year * 12 + m;
  };
  return month(buckets[buckets.length - 1].key) - month(buckets[0].key) + 1;
}

/// Every bucket from the first to the last, with the empty ones too, so
/// that bars are evenly spaced in time.
function fillGaps(buckets) {
  if (buckets.length < 2) return buckets;
  const byMonth = buckets[0].key.length === 7;
  const counts = new Map(buckets.map((b) => [b.key, b.count]));
  const start = new Date(byMonth ? `${buckets[0].key}-01T00:00:00Z` : `${buckets[0].key}T00:00:00Z`);
  const end = buckets[buckets.length - 1].key;
  const out = [];
  for (let date = start; out.length < 1000; ) {
    const key = date.toISOString().slice(0, byMonth ? 7 : 10);
    out.push({ key, count: counts.get(key) || 0 });
    if (key >= end) break;
    date = byMonth
      ? new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1))
      : new Date(date.getTime() + 86400000);
  }
  return out;
}

/// Bars of articles over time; a click narrows to a bar, a drag to a span.
function renderHistogram(state, found) {
  const box = $("histogram");
  box.replaceChildren();
  if (!found.length) {
    box.append(el("p", { class: "none" }, "No dated articles in these results"));
    return;
  }
  const buckets = fillGaps(found);
  const max = Math.max(...buckets.map((b) => b.count));
  const range = (a, b) => {
    const [first, last] = a <= b ? [buckets[a], buckets[b]] : [buckets[b], buckets[a]];
    const from = first.key.length === 7 ? `${first.key}-01` : first.key;
    const to = last.key.length === 7 ? lastDay(last.key) : last.key;
    return { from, to };
  };
  let dragStart = null;
  const bars = buckets.map((bucket, index) => {
    // Set through the style object: the page's policy forbids style
    // attributes.
    const fill = el("span", { class: "fill" });
    fill.style.height = bucket.count ? `${Math.max(4, Math.round((bucket.count / max) * 100))}%` : "0";
    const bar = el(
      "button",
      {
        type: "button",
        class: "bar",
        "data-index": index,
        "aria-label": `${showBucket(bucket.key)}: ${bucket.count} article${bucket.count === 1 ? "" : "s"}`,
        title: `${showBucket(bucket.key)}: ${bucket.count}`,
      },
      fill,
    );
    bar.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        update(range(index, index));
      }
    });
    return bar;
  });
  const mark = (a, b) => {
    for (const bar of bars) {
      const i = Number(bar.dataset.index);
      bar.classList.toggle("selecting", a !== null && i >= Math.min(a, b) && i <= Math.max(a, b));
    }
  };
  const indexAt = (event) => {
    const target = document.elementFromPoint(event.clientX, event.clientY);
    const bar = target && target.closest(".bar");
    return bar && box.contains(bar) ? Number(bar.dataset.index) : null;
  };
  box.onpointerdown = (event) => {
    const index = indexAt(event);
    if (index === null) return;
    event.preventDefault();
    dragStart = index;
    box.setPointerCapture(event.pointerId);
    mark(index, index);
  };
  box.onpointermove = (event) => {
    if (dragStart === null) return;
    const index = indexAt(event);
    if (index !== null) mark(dragStart, index);
  };
  box.onpointerup = (event) => {
    if (dragStart === null) return;
    const index = indexAt(event);
    const start = dragStart;
    dragStart = null;
    mark(null, null);
    update(range(start, index === null ? start : index));
  };
  box.onpointercancel = () => {
    dragStart = null;
    mark(null, null);
  };
  const first = showBucket(buckets[0].key);
  const last = showBucket(buckets[buckets.length - 1].key);
  box.append(
    el("div", { class: bars.length > 40 ? "bars dense" : "bars" }, bars),
    el("p", { class: "axis" }, el("span", {}, first), el("span", {}, buckets.length > 1 ? last : "")),
  );
}

// ---------------------------------------------------------------------
// The article view.

async function renderArticle(state) {
  $("search-view").hidden = true;
  const view = $("article-view");
  view.hidden = false;
  $("q").value = state.q;
  document.body.classList.add("loading");
  const query = state.q ? `?${new URLSearchParams({ q: state.q })}` : "";
  let article;
  try {
    article = await api(`/api/articles/${encodeURIComponent(state.article)}${query}`);
  } catch (error) {
    if (error.name === "AbortError") return;
    document.body.classList.remove("loading");
    $("article-title").textContent = "Article not found";
    $("article-meta").textContent = "";
    $("article-people").replaceChildren();
    $("article-body").replaceChildren(el("p", {}, error.message));
    $("article-links").hidden = true;
    return;
  }
  document.body.classList.remove("loading");
  showError("");
  document.title = `${article.title} — newsdesk`;
  const back = $("back");
  back.href = searchUrl({ ...state, article: null, page: 1 });
  const title = $("article-title");
  title.replaceChildren(article.title);
  title.classList.toggle("lede", article.title_source === "lede");
  if (article.title_source === "lede") title.append(el("span", { class: "tag", title: "The article has no headline; this is its first sentence." }, "no headline"));
  const meta = $("article-meta");
  meta.replaceChildren();
  const parts = [];
  if (article.outlet) parts.push(el("span", {}, article.outlet));
  if (article.date) parts.push(el("time", { datetime: article.date }, showDate(article.date)));
  if (article.url) parts.push(el("a", { href: article.url, rel: "noopener noreferrer nofollow", target: "_blank" }, "Source ↗"));
  parts.forEach((part, i) => meta.append(i ? " · " : "", part));
  $("article-people").replaceChildren(...article.people.map((name) => el("li", {}, personLink(name))));
  const body = $("article-body");
  body.replaceChildren();
  const text = article.body_marked || null;
  const paragraphs = (text || article.body).split("\n\n");
  for (const paragraph of paragraphs) {
    body.append(el("p", {}, text ? marked(paragraph) : paragraph));
  }
  const related = [];
  if (article.appended_to) {
    related.push(el("p", {}, "An aggregator appended this article to ", articleLink(article.appended_to, state), "."));
  }
  if (article.appended.length) {
    related.push(
      el("p", {}, "Articles an aggregator appended to this page:"),
      el("ul", { class: "link-list" }, article.appended.map((link) => el("li", {}, articleLink(link, state)))),
    );
  }
  $("article-links-body").replaceChildren(...related);
  $("article-links").hidden = related.length === 0;
  window.scrollTo(0, 0);
  renderSimilar(state);
}

/// The articles most like the one shown, below it.
async function renderSimilar(state) {
  const section = $("article-similar");
  section.hidden = true;
  let similar;
  try {
    similar = await api(`/api/articles/${encodeURIComponent(state.article)}/similar`);
  } catch (error) {
    return;
  }
  const items = similar.hits.map((hit) => {
    const why = [...hit.people_in_common, ...hit.shared_terms.slice(0, 4)];
    return el("li", {}, articleLink(hit, state), why.length ? el("span", { class: "why" }, ` — ${why.join(", ")}`) : "");
  });
  $("similar-list").replaceChildren(...items);
  section.hidden = items.length === 0;
}

function articleLink(link, state) {
  const href = `/articles/${encodeURIComponent(link.id)}${state.q ? `?${new URLSearchParams({ q: state.q })}` : ""}`;
  return el("a", { href, onclick: linkHandler }, link.title, link.outlet ? ` (${link.outlet})` : "");
}

// ---------------------------------------------------------------------
// Wiring.

function render() {
  const state = readState();
  return state.article ? renderArticle(state) : renderSearch(state);
}

document.addEventListener("DOMContentLoaded", () => {
  $("search-form").addEventListener("submit", (event) => {
    event.preventDefault();
    update({ q: $("q").value.trim() });
  });
  $("sort").addEventListener("change", (event) => update({ sort: event.target.value }));
  $("prev").addEventListener("click", () => {
    const state = readState();
    go(searchUrl({ ...state, page: state.page - 1 }));
  });
  $("next").addEventListener("click", () => {
    const state = readState();
    go(searchUrl({ ...state, page: state.page + 1 }));
  });
  $("back").addEventListener("click", (event) => {
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    // Back to the exact results the reader came from, when they came from
    // them; otherwise to this article's search.
    if (history.state && history.state.fromSearch) history.back();
    else go(event.currentTarget.getAttribute("href"));
  });
  for (const example of document.querySelectorAll(".example")) {
    example.addEventListener("click", () => {
      $("tips").open = false;
      update({ q: example.textContent });
    });
  }
  document.addEventListener("keydown", (event) => {
    const typing = event.target.closest && event.target.closest("input, textarea, select");
    if (event.key === "/" && !typing && !event.metaKey && !event.ctrlKey && !event.altKey) {
      event.preventDefault();
      const input = $("q");
      input.focus();
      input.select();
    }
  });
  // Small screens start with the filters folded away.
  if (window.matchMedia("(max-width: 760px)").matches) $("filters").open = false;
  window.addEventListener("popstate", render);
  render();
});

// Remember, for the back link, that an article was opened from a search.
const pushState = history.pushState.bind(history);
history.pushState = (state, title, url) => {
  const from = readState();
  const target = new URL(url, location.href);
  const toArticle = /^\/articles\//.test(target.pathname);
  pushState(toArticle && !from.article ? { fromSearch: true } : state, title, url);
};
