// newsdesk's web front end: one page, no build step, no dependencies.
//
// Every state is a URL: the search view is "/?q=…&outlet=…&person=…&from=…
// &to=…&sort=…&page=…", the article view "/articles/{id}?q=…", the timeline
// "/timeline?q=…&q=…&interval=…&measure=…" (with the search's filters), a
// person's page "/people/{name}?from=…&to=…&outlet=…". Links and
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
  const personMatch = location.pathname.match(/^\/people\/([^/]+)$/);
  return {
    article: articleMatch ? decodeURIComponent(articleMatch[1]) : null,
    personPage: personMatch ? decodeURIComponent(personMatch[1]) : null,
    q: params.get("q") || "",
    outlet: params.getAll("outlet").filter(Boolean),
    person: params.getAll("person").filter(Boolean),
    from: params.get("from") || "",
    to: params.get("to") || "",
    sort: params.get("sort") || "relevance",
    collapse: params.get("collapse") === "story",
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
  if (state.collapse) params.set("collapse", "story");
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
  $("timeline-view").hidden = true;
  $("search-view").hidden = false;
  document.title = state.q ? `${state.q} — newsdesk` : "newsdesk";
  $("q").value = state.q;
  $("sort").value = state.sort;
  $("collapse").checked = state.collapse;
  renderChips(state);
  $("compare-link").href = timelineUrl({ ...TIMELINE_DEFAULTS, ...state, queries: state.q ? [state.q] : [] });
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
  const [one, many] = state.collapse ? ["story", "stories"] : ["article", "articles"];
  const words = total === 1 ? `1 ${one}` : `${total.toLocaleString("en-GB")} ${many}`;
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
        hit.copies > 1 ? el("p", { class: "copies" }, `${hit.copies} copies: ${hit.outlets.join(", ")}`) : null,
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
  return el("a", { href: personUrl(name), onclick: linkHandler, class: "person" }, name);
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
        name === "person" ? el("a", { href: personUrl(value), onclick: linkHandler, class: "person-page-link", "aria-label": `${value}: their page` }, "page ›") : null,
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
  $("timeline-view").hidden = true;
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
// A line chart, drawn as inline SVG with DOM calls (the page's policy
// allows no inline style, so colours come from the classes series-0 to
// series-9 in style.css).

const SVG = "http://www.w3.org/2000/svg";

/// Creates an SVG element with attributes and children.
function svg(tag, attributes = {}, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== undefined && value !== null) node.setAttribute(name, String(value));
  }
  for (const child of children.flat()) if (child) node.append(child);
  return node;
}

/// Round steps for an axis from 0 to `max`: about `count` of them, each at
/// least `least` apart.
function ticks(max, count, least = 0) {
  if (!(max > 0)) return [0, Math.max(1, least)];
  const rough = Math.max(max / count, least);
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough);
  const out = [];
  for (let value = 0; value <= max + step / 2; value += step) out.push(value);
  return out;
}

/// A line chart as a <figure>: one line per series, a legend, and axes.
///
/// `series`: [{ name, values }], each `values` one number per label.
/// `options`: `labels` (the x positions, oldest first, as shown), `width`
/// and `height` in pixels (the chart is drawn at that size, so text stays
/// readable on a phone), `format(value)` for the y axis and the point
/// titles, `integers` (true when values are counts, so the axis steps by
/// whole numbers), `title` (the chart's accessible name), and optionally
/// `onPoint(seriesIndex, labelIndex)`, called when a point is clicked.
function lineChart(series, options) {
  const { labels, width = 640, height = 320, format = String, integers = false, title = "Chart", onPoint = null } = options;
  const margin = { top: 12, right: 16, bottom: 36, left: 56 };
  const plotWidth = Math.max(40, width - margin.left - margin.right);
  const plotHeight = Math.max(40, height - margin.top - margin.bottom);
  const max = Math.max(0, ...series.flatMap((s) => s.values));
  const yTicks = ticks(max, Math.max(2, Math.floor(plotHeight / 50)), integers ? 1 : 0);
  const top = yTicks[yTicks.length - 1] || 1;
  const x = (i) => margin.left + (labels.length > 1 ? (i / (labels.length - 1)) * plotWidth : plotWidth / 2);
  const y = (v) => margin.top + plotHeight - (v / top) * plotHeight;

  const chart = svg("svg", { class: "line-chart", width, height, viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": title });
  const grid = svg("g", { class: "chart-grid" });
  for (const value of yTicks) {
    grid.append(
      svg("line", { x1: margin.left, x2: margin.left + plotWidth, y1: y(value), y2: y(value) }),
      svg("text", { x: margin.left - 6, y: y(value), class: "chart-y-label", "text-anchor": "end", "dominant-baseline": "middle" }, document.createTextNode(format(value))),
    );
  }
  // As many x labels as fit, evenly spread, the first and last among them.
  const room = Math.max(1, Math.floor(plotWidth / 84));
  const every = Math.max(1, Math.ceil((labels.length - 1) / room));
  const xAxis = svg("g", { class: "chart-x-axis" }, svg("line", { x1: margin.left, x2: margin.left + plotWidth, y1: margin.top + plotHeight, y2: margin.top + plotHeight }));
  labels.forEach((label, i) => {
    if (i % every !== 0 && i !== labels.length - 1) return;
    if (i !== labels.length - 1 && labels.length - 1 - i < every / 2) return;
    const anchor = labels.length === 1 ? "middle" : i === 0 ? "start" : i === labels.length - 1 ? "end" : "middle";
    xAxis.append(svg("text", { x: x(i), y: margin.top + plotHeight + 20, class: "chart-x-label", "text-anchor": anchor }, document.createTextNode(label)));
  });
  chart.append(grid, xAxis);

  series.forEach((line, s) => {
    const group = svg("g", { class: `chart-series series-${s % 10}`, "data-series": s });
    const points = line.values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(" ");
    group.append(svg("polyline", { class: "chart-line", points }));
    // Points to click where there is room for them.
    if (line.values.length <= plotWidth / 4) {
      line.values.forEach((value, i) => {
        const point = svg("circle", { class: onPoint ? "chart-point clickable" : "chart-point", cx: x(i), cy: y(value), r: 3.5 }, svg("title", {}, document.createTextNode(`${line.name}, ${labels[i]}: ${format(value)}`)));
        if (onPoint) point.addEventListener("click", () => onPoint(s, i));
        group.append(point);
      });
    }
    chart.append(group);
  });

  const legend = el(
    "ul",
    { class: "chart-legend" },
    series.map((line, s) => el("li", { class: `series-${s % 10}` }, el("span", { class: "swatch", "aria-hidden": "true" }), line.name)),
  );
  return el("figure", { class: "chart" }, chart, legend);
}

// ---------------------------------------------------------------------
// The timeline view: several queries compared over time.

const MAX_TIMELINE_QUERIES = 10;
const TIMELINE_DEFAULTS = { queries: [], outlet: [], person: [], from: "", to: "", interval: "month", measure: "count" };

function timelineState() {
  const params = new URLSearchParams(location.search);
  const interval = params.get("interval");
  return {
    queries: params.getAll("q").map((q) => q.trim()).filter(Boolean).slice(0, MAX_TIMELINE_QUERIES),
    outlet: params.getAll("outlet").filter(Boolean),
    person: params.getAll("person").filter(Boolean),
    from: params.get("from") || "",
    to: params.get("to") || "",
    interval: ["day", "week", "month"].includes(interval) ? interval : "month",
    measure: params.get("measure") === "share" ? "share" : "count",
  };
}

/// The API's parameters for a timeline state (no query: the filtered
/// archive's own line).
function timelineParams(state) {
  const params = new URLSearchParams();
  for (const q of state.queries) params.append("q", q);
  for (const outlet of state.outlet) params.append("outlet", outlet);
  for (const person of state.person) params.append("person", person);
  if (state.from) params.set("from", state.from);
  if (state.to) params.set("to", state.to);
  params.set("interval", state.interval);
  return params;
}

function timelineUrl(state) {
  const params = timelineParams(state);
  if (state.measure === "share") params.set("measure", "share");
  return `/timeline?${params}`;
}

/// The last answer, so that switching counts and shares or resizing the
/// window redraws without asking again.
let lastTimeline = null;

async function renderTimeline(state) {
  $("search-view").hidden = true;
  $("article-view").hidden = true;
  $("timeline-view").hidden = false;
  document.title = `${state.queries.length ? state.queries.join(" · ") : "All articles"} over time — newsdesk`;
  fillTimelineForm(state);
  const filters = [
    ...state.outlet.map((o) => `outlet: ${o}`),
    ...state.person.map((p) => `person: ${p}`),
    state.from ? `from ${showDate(state.from)}` : null,
    state.to ? `to ${showDate(state.to)}` : null,
  ].filter(Boolean);
  const filterLine = $("timeline-filters");
  filterLine.replaceChildren();
  filterLine.hidden = !filters.length;
  if (filters.length) {
    filterLine.append(`Within ${filters.join(" · ")} — `, el("a", { href: timelineUrl({ ...state, outlet: [], person: [], from: "", to: "" }), onclick: linkHandler }, "compare across the whole archive"));
  }
  const path = `/api/timeline?${timelineParams(state)}`;
  if (!lastTimeline || lastTimeline.path !== path) {
    document.body.classList.add("loading");
    try {
      lastTimeline = { path, body: await api(path) };
    } catch (error) {
      if (error.name === "AbortError") return;
      document.body.classList.remove("loading");
      lastTimeline = null;
      showError(error.message);
      $("timeline-chart").replaceChildren();
      return;
    }
    document.body.classList.remove("loading");
  }
  showError("");
  drawTimeline(state, lastTimeline.body);
}

function fillTimelineForm(state) {
  const list = $("timeline-queries");
  list.replaceChildren();
  const queries = state.queries.length ? state.queries : [""];
  for (const query of queries) list.append(queryRow(query));
  $("timeline-add").disabled = queries.length >= MAX_TIMELINE_QUERIES;
  $("timeline-interval").value = state.interval;
  $(state.measure === "share" ? "measure-share" : "measure-count").checked = true;
}

function queryRow(value) {
  const index = $("timeline-queries").children.length;
  const input = el("input", { type: "search", class: "timeline-query", value, autocomplete: "off", spellcheck: "false", "aria-label": `Query ${index + 1}`, placeholder: index ? "Another query" : "A query, such as ceasefire OR truce" });
  const remove = el("button", { type: "button", class: "remove", "aria-label": `Remove query ${index + 1}` }, "×");
  const row = el("li", { class: `series-${index % 10}` }, el("span", { class: "swatch", "aria-hidden": "true" }), input, remove);
  remove.addEventListener("click", () => {
    row.remove();
    if (!$("timeline-queries").children.length) $("timeline-queries").append(queryRow(""));
    $("timeline-add").disabled = false;
  });
  return row;
}

function drawTimeline(state, found) {
  const box = $("timeline-chart");
  box.replaceChildren();
  const shares = state.measure === "share";
  const undated = found.undated ? `, ${found.undated.toLocaleString("en-GB")} of them undated` : "";
  const coarser = found.interval !== state.interval ? ` by ${found.interval}` : "";
  $("timeline-summary").textContent = `${found.total.toLocaleString("en-GB")} article${found.total === 1 ? "" : "s"} in all${undated}${coarser} · ${found.took_ms} ms`;
  const warnings = $("timeline-warnings");
  warnings.replaceChildren(...found.warnings.map((w) => el("p", {}, w)));
  warnings.hidden = !found.warnings.length;
  if (!found.intervals.length) {
    box.append(el("p", { class: "none" }, "No dated articles match: there is nothing to draw over time."));
    return;
  }
  const name = (line) => line.query || "All articles";
  const series = found.series.map((line) => ({
    name: `${name(line)} (${line.total.toLocaleString("en-GB")}${line.undated ? `, ${line.undated} undated` : ""})`,
    values: shares ? line.shares.map((v) => v * 100) : line.counts,
  }));
  const percent = (v) => `${Number(v.toFixed(1))}%`;
  const chart = lineChart(series, {
    labels: found.intervals.map((i) => i.label),
    width: Math.max(280, Math.min(box.clientWidth || 640, 1100)),
    height: window.matchMedia("(max-width: 760px)").matches ? 240 : 340,
    format: shares ? percent : (v) => v.toLocaleString("en-GB"),
    integers: !shares,
    title: `${shares ? "Share of articles" : "Articles"} by ${found.interval}`,
    // A point opens the search for its query and interval.
    onPoint: (s, i) => {
      const interval = found.intervals[i];
      go(searchUrl({ q: found.series[s].query, outlet: state.outlet, person: state.person, from: interval.start, to: interval.end, sort: "relevance", page: 1 }));
    },
  });
  box.append(chart);
}

function wireTimeline() {
  const current = () => ({
    ...timelineState(),
    queries: [...document.querySelectorAll(".timeline-query")].map((input) => input.value.trim()).filter(Boolean),
    interval: $("timeline-interval").value,
    measure: $("measure-share").checked ? "share" : "count",
  });
  $("timeline-form").addEventListener("submit", (event) => {
    event.preventDefault();
    go(timelineUrl(current()));
  });
  $("timeline-add").addEventListener("click", () => {
    const list = $("timeline-queries");
    if (list.children.length >= MAX_TIMELINE_QUERIES) return;
    const row = queryRow("");
    list.append(row);
    row.querySelector("input").focus();
    $("timeline-add").disabled = list.children.length >= MAX_TIMELINE_QUERIES;
  });
  $("timeline-interval").addEventListener("change", () => go(timelineUrl(current())));
  for (const radio of document.querySelectorAll("input[name=measure]")) {
    radio.addEventListener("change", () => go(timelineUrl({ ...timelineState(), measure: radio.value })));
  }
  let resizing = null;
  window.addEventListener("resize", () => {
    clearTimeout(resizing);
    resizing = setTimeout(() => {
      if (!$("timeline-view").hidden && lastTimeline) drawTimeline(timelineState(), lastTimeline.body);
    }, 150);
  });
}

// ---------------------------------------------------------------------
// The person view: "/people/{name}?from=…&to=…&outlet=…".

function personUrl(name, params = "") {
  return `/people/${encodeURIComponent(name)}${params ? `?${params}` : ""}`;
}

async function renderPerson(state) {
  $("search-view").hidden = true;
  $("article-view").hidden = true;
  $("timeline-view").hidden = true;
  document.body.classList.add("loading");
  const params = new URLSearchParams(location.search);
  params.set("quotes", "20");
  let page;
  try {
    page = await api(`/api/people/${encodeURIComponent(state.personPage)}?${params}`);
  } catch (error) {
    if (error.name === "AbortError") return;
    document.body.classList.remove("loading");
    $("person-name").textContent = state.personPage;
    $("person-summary").textContent = error.message;
    for (const id of ["person-histogram", "person-outlets", "person-co-mentions", "person-quotes"]) $(id).replaceChildren();
    $("person-search").hidden = true;
    return;
  }
  document.body.classList.remove("loading");
  showError("");
  document.title = `${page.name} — newsdesk`;
  $("person-name").textContent = page.name;
  const share = page.archive_articles ? Math.round((page.articles / page.archive_articles) * 1000) / 10 : 0;
  $("person-summary").textContent =
    `Named in ${page.articles.toLocaleString("en-GB")} article${page.articles === 1 ? "" : "s"} ` +
    `of ${page.archive_articles.toLocaleString("en-GB")} (${share}%) · ${page.took_ms} ms`;
  const filters = { ...state, article: null, personPage: null, q: "", outlet: state.outlet, page: 1 };
  const search = $("person-search");
  search.hidden = false;
  search.href = searchUrl({ ...filters, person: [page.name] });
  search.onclick = linkHandler;
  $("person-back").onclick = linkHandler;
  renderPersonHistogram(page);
  renderOutletBars(page);
  renderCoMentions(page);
  renderQuotes(page);
  window.scrollTo(0, 0);
}

/// Articles by month (or day) as bars, each a link to the search for
/// that month's articles naming them.
function renderPersonHistogram(page) {
  const box = $("person-histogram");
  box.replaceChildren();
  if (!page.dates.length) {
    box.append(el("p", { class: "none" }, "None of their articles is dated"));
    return;
  }
  const buckets = fillGaps(page.dates);
  const max = Math.max(...buckets.map((b) => b.count));
  const bars = buckets.map((bucket) => {
    const fill = el("span", { class: "fill" });
    fill.style.height = bucket.count ? `${Math.max(4, Math.round((bucket.count / max) * 100))}%` : "0";
    const from = bucket.key.length === 7 ? `${bucket.key}-01` : bucket.key;
    const to = bucket.key.length === 7 ? lastDay(bucket.key) : bucket.key;
    const label = `${showBucket(bucket.key)}: ${bucket.count} article${bucket.count === 1 ? "" : "s"}`;
    const href = searchUrl({ ...readState(), article: null, q: "", person: [page.name], from, to, page: 1 });
    return el("a", { class: "bar", href, onclick: linkHandler, "aria-label": label, title: label }, fill);
  });
  box.append(
    el("div", { class: bars.length > 40 ? "bars dense" : "bars" }, bars),
    el("p", { class: "axis" }, el("span", {}, showBucket(buckets[0].key)), el("span", {}, buckets.length > 1 ? showBucket(buckets[buckets.length - 1].key) : "")),
  );
}

function renderOutletBars(page) {
  const list = $("person-outlets");
  list.replaceChildren();
  if (!page.outlets.length) {
    list.append(el("li", { class: "none" }, "No outlet named"));
    return;
  }
  const max = Math.max(...page.outlets.map((o) => o.count));
  for (const { value, count } of page.outlets) {
    const fill = el("span", { class: "outlet-fill" });
    fill.style.width = `${Math.max(2, Math.round((count / max) * 100))}%`;
    const href = searchUrl({ ...readState(), article: null, q: "", person: [page.name], outlet: [value], page: 1 });
    list.append(
      el("li", {}, el("a", { href, onclick: linkHandler }, el("span", { class: "facet-name" }, value), el("span", { class: "count" }, count.toLocaleString("en-GB"))), el("span", { class: "outlet-track" }, fill)),
    );
  }
}

function renderCoMentions(page) {
  const list = $("person-co-mentions");
  list.replaceChildren();
  if (!page.co_mentions.length) {
    list.append(el("li", { class: "none" }, "No one shares two or more of their articles"));
    return;
  }
  for (const other of page.co_mentions) {
    list.append(
      el(
        "li",
        {},
        personLink(other.name),
        el("span", { class: "count" }, ` ${other.shared} shared of their ${other.articles} · lift ${other.lift.toFixed(2)}`),
      ),
    );
  }
}

function renderQuotes(page) {
  const list = $("person-quotes");
  list.replaceChildren();
  if (!page.quotes.length) {
    list.append(el("li", { class: "none" }, `No direct quote found in their ${page.quotes_read_from} newest articles`));
    return;
  }
  for (const quote of page.quotes) {
    const link = quote.article;
    const meta = [link.outlet, showDate(link.date)].filter(Boolean).join(" · ");
    list.append(
      el(
        "li",
        {},
        el("blockquote", {}, `“${quote.text}”`),
        el("p", { class: "meta" }, el("a", { href: `/articles/${encodeURIComponent(link.id)}`, onclick: linkHandler, class: "quote-source" }, link.title), meta ? ` · ${meta}` : ""),
      ),
    );
  }
}

// ---------------------------------------------------------------------
// Wiring.

function render() {
  const state = readState();
  $("person-view").hidden = !state.personPage;
  if (location.pathname === "/timeline") return renderTimeline(timelineState());
  if (state.personPage) return renderPerson(state);
  return state.article ? renderArticle(state) : renderSearch(state);
}

document.addEventListener("DOMContentLoaded", () => {
  $("search-form").addEventListener("submit", (event) => {
    event.preventDefault();
    update({ q: $("q").value.trim() });
  });
  $("sort").addEventListener("change", (event) => update({ sort: event.target.value }));
  $("collapse").addEventListener("change", (event) => update({ collapse: event.target.checked }));
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
  $("compare-link").addEventListener("click", linkHandler);
  wireTimeline();
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
