/* Search page (/tim-kiem/): Pagefind's JS API over the shards the build writes to pagefind/<shard>/.
 *
 * The index holds folded words (lowercase, no tones, đ → d), so the query is folded the same way and
 * searched once. Each page's first TITLE_SLOTS word places hold its title, so a result whose matched
 * places there cover every query word ranks first; then newest first. Shards are asked one at a
 * time, newest first, for their results by date, and the first results show as soon as they are
 * certain of their place.
 * See docs/search.md.
 */
(() => {
  "use strict";

  const PAGE_SIZE = 10;
  const TITLE_SLOTS = 48; // bantin/output/search/documents.py
  const DEBOUNCE_MS = 250;
  const PARAMS = { category: "chuyen-muc", unit: "don-vi", year: "nam", type: "loai" };
  const SORT_PARAM = "sap-xep";
  const NEWEST = "moi-nhat";
  // Page length must not count: each page lists its words once, and a short page is not a better one.
  const RANKING = { pageLength: 0 };

  /** Canonical composed form, so NFD input (some keyboards, pasted text) equals NFC input. */
  const nfc = (text) => text.normalize("NFC");

  /** Lowercase without diacritics, đ → d: the same as bantin.text.fold in Python. */
  const fold = (text) => text.replace(/[đĐ]/g, (c) => (c === "đ" ? "d" : "D"))
    .normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();

  /** The folded words of a query, once each, as the index holds them. */
  const queryWords = (query) => [...new Set(fold(query).match(/[\p{L}\p{N}]+/gu) || [])];

  /** Whether a result's title holds every query word: its matched places among the title slots
   * (the title's words are listed once each) are at least as many as the query's words. */
  const inTitle = (result, count) => result.words.filter((place) => place < TITLE_SLOTS).length >= count;

  /** The excerpt as text nodes, with <mark> around words that start with a query word. */
  const excerptNodes = (text, words) => text.split(/([\p{L}\p{N}]+)/u).map((part, i) => {
    const folded = fold(part);
    if (i % 2 === 1 && words.some((word) => folded.startsWith(word))) {
      const mark = document.createElement("mark");
      mark.textContent = part;
      return mark;
    }
    return document.createTextNode(part);
  });

  const fill = (template, values) => template.replace(/\{(\w+)\}/g, (_, key) => String(values[key] ?? ""));

  /** Numbers the local way: 1.234 in Vietnamese, 1,234 in English. */
  const formatCount = (n) => n.toLocaleString(document.documentElement.lang === "vi" ? "vi-VN" : "en-US");

  // Exposed for tests of the pure helpers in a real browser.
  window.bantinSearch = { fold, nfc, queryWords, inTitle };

  const section = document.querySelector("[data-search]");
  const form = document.querySelector("[data-search-form]");
  if (!section || !form) return;
  const input = form.querySelector("input[name=q]");
  const status = section.querySelector("[data-search-status]");
  const list = section.querySelector("[data-search-list]");
  const more = section.querySelector("[data-search-more]");
  const selects = [...form.querySelectorAll("select[data-filter]")];
  const sortSelect = form.querySelector("select[data-sort]");
  const strings = section.dataset;
  const base = document.documentElement.dataset.base || "/";
  const kinds = { "don-vi": strings.tUnit, trang: strings.tPage };
  let pagefind = null;
  let shards = [];
  let current = null; // the search on screen: its results so far and how to get more
  let generation = 0;
  let timer = 0;

  const setStatus = (text) => { status.textContent = text; };

  const showUnavailable = () => {
    status.textContent = `${strings.tUnavailable} `;
    const link = document.createElement("a");
    link.href = strings.archive;
    link.textContent = strings.tArchive;
    status.append(link);
  };

  const fetchJson = async (name) => {
    const response = await fetch(`${base}pagefind/${name}`);
    if (!response.ok) throw new Error(`${name}: ${response.status}`);
    return response.json();
  };

  /** Load Pagefind with the newest shard as its primary index and merge the others; each shard
   * carries a `shard` filter of its own name, so "Mới nhất" can ask them one at a time. */
  const load = async () => {
    const [shardList, units] = await Promise.all([fetchJson("bantin-shards.json"), fetchJson("bantin-units.json")]);
    shards = shardList.shards;
    const module = await import(`${base}pagefind/${shards[0]}/pagefind.js`);
    await module.options({ basePath: `${base}pagefind/${shards[0]}/`, baseUrl: base, ranking: RANKING,
      mergeFilter: { shard: shards[0] } });
    await module.init();
    await Promise.all(shards.slice(1).map((shard) => module.mergeIndex(`${base}pagefind/${shard}/`,
      { ranking: RANKING, mergeFilter: { shard } })));
    fillUnits(units.units);
    fillYears(shards);
    form.querySelector("[data-search-filters]").hidden = false;
    return module;
  };

  const addOption = (select, value, label) => {
    const option = document.createElement("option");
    option.value = value;
    option.textContent = label;
    select.append(option);
  };

  /** Units in tree order, indented by depth (a unit's filter includes its sub-units' news). */
  const fillUnits = (units) => {
    const select = form.querySelector("select[data-filter=unit]");
    for (const unit of units) addOption(select, unit.id, `${"\u00a0\u00a0".repeat(unit.depth)}${unit.name}`);
  };

  /** Years from the shard names ("2024", "2024-07"), newest first. */
  const fillYears = (names) => {
    const select = form.querySelector("select[data-filter=year]");
    const years = names.filter((name) => /^\d{4}/.test(name)).map((name) => name.slice(0, 4));
    for (const year of new Set(years)) addOption(select, year, year);
  };

  const chosenFilters = () => {
    const filters = {};
    for (const select of selects) if (select.value) filters[select.dataset.filter] = select.value;
    return filters;
  };

  const newestFirst = () => sortSelect && sortSelect.value === NEWEST;

  /** Keep the address in step with the form, so a search can be bookmarked and shared. */
  const rememberInUrl = (query) => {
    const params = new URLSearchParams();
    if (query) params.set("q", query);
    for (const select of selects) if (select.value) params.set(PARAMS[select.dataset.filter], select.value);
    if (newestFirst()) params.set(SORT_PARAM, NEWEST);
    const search = params.toString();
    history.replaceState(null, "", search ? `?${search}` : location.pathname);
  };

  const readQuery = () => {
    const params = new URLSearchParams(location.search);
    input.value = nfc(params.get("q") || "");
    if (sortSelect && params.get(SORT_PARAM) === NEWEST) sortSelect.value = NEWEST;
  };

  const readFilters = () => {
    const params = new URLSearchParams(location.search);
    for (const select of selects) {
      const value = params.get(PARAMS[select.dataset.filter]);
      if (value && [...select.options].some((o) => o.value === value)) select.value = value;
    }
  };

  /** One search: {total, words, results, next()}. `results` is the final order so far, and next()
   * extends it by asking one more shard (newest first) for its results by date; false when every
   * shard with results was asked. By relevance, results whose title holds every query word come
   * first, newest first, then the others, newest first: Pagefind's scores within each group are
   * (nearly) equal, since each page lists its words once and page length does not count. */
  const find = async (query, filters, newest) => {
    const words = queryWords(query);
    const term = words.join(" ");
    const all = await pagefind.search(term, { filters });
    const titled = newest ? all.results.length : all.results.filter((r) => inTitle(r, words.length)).length;
    const counts = all.filters.shard || {};
    const queue = shards.filter((shard) => counts[shard] !== 0);
    const first = [], rest = [];
    const found = { total: all.results.length, words, results: [] };
    found.next = async () => {
      if (!queue.length) return false;
      const shard = queue.shift();
      const mine = await pagefind.search(term, { filters: { ...filters, shard }, sort: { date: "desc" } });
      for (const result of mine.results) (newest || inTitle(result, words.length) ? first : rest).push(result);
      // Until every title match is found, only title matches are certain of their place.
      found.results = first.length < titled && queue.length ? first.slice() : first.concat(rest);
      return true;
    };
    return found;
  };
  window.bantinSearch.find = async (query, filters = {}, newest = false) => {
    const found = await find(query, filters, newest);
    while (await found.next());
    return found.results;
  };

  const search = async () => {
    const query = nfc(input.value).replace(/\s+/g, " ").trim();
    const mine = ++generation;
    rememberInUrl(query);
    list.replaceChildren();
    more.hidden = true;
    current = null;
    if (!queryWords(query).length) {
      setStatus(strings.tHint);
      return;
    }
    if (!pagefind) return;
    setStatus(strings.tLoading);
    const found = await find(query, chosenFilters(), newestFirst());
    if (mine !== generation) return; // a newer search started meanwhile
    current = Object.assign(found, { shown: 0 }); // next() replaces found.results: keep the same object
    await showMore(mine);
    if (mine !== generation) return;
    // The count is announced (aria-live) once the first results are on the page, not before.
    setStatus(found.total ? fill(strings.tCount, { count: formatCount(found.total), query })
      : fill(strings.tNone, { query }));
  };

  /** Show the next PAGE_SIZE results, each as soon as its data arrives (in rank order). */
  const showMore = async (mine, focusFirst = false) => {
    const page = current;
    while (page.results.length < page.shown + PAGE_SIZE && await page.next()) {
      if (mine !== generation) return;
    }
    const slice = page.results.slice(page.shown, page.shown + PAGE_SIZE);
    const data = slice.map((result) => result.data());
    for (const [i, pending] of data.entries()) {
      const item = resultItem(await pending, page.words);
      if (mine !== generation) return;
      list.append(item);
      // Move keyboard focus to the first new result, so the reader continues where the list grew.
      if (focusFirst && i === 0) item.querySelector("a").focus();
    }
    page.shown += slice.length;
    more.hidden = page.shown >= page.total;
  };

  /** One result: the title as a link (a heading, for screen-reader navigation), date or kind,
   * category, and the excerpt with the query's words marked. */
  const resultItem = (data, words) => {
    const item = document.createElement("li");
    item.className = "search-result";
    const heading = document.createElement("h3");
    heading.className = "search-result__title";
    const link = document.createElement("a");
    link.href = data.meta.path ? `${base}${data.meta.path.replace(/^\//, "")}` : data.url;
    link.textContent = data.meta.title || link.href;
    heading.append(link);
    const meta = document.createElement("p");
    meta.className = "meta";
    const parts = [];
    if (data.meta.date) {
      const time = document.createElement("time");
      if (data.meta.iso) time.dateTime = data.meta.iso;
      time.textContent = data.meta.date;
      parts.push(time);
    }
    const label = kinds[data.meta.kind] || (data.filters.category || [])[0];
    if (label) parts.push(document.createTextNode(label));
    parts.forEach((part, i) => meta.append(...(i ? [document.createTextNode(" · "), part] : [part])));
    const excerpt = document.createElement("p");
    excerpt.className = "search-result__excerpt";
    excerpt.append(...excerptNodes(data.meta.excerpt || "", words));
    item.append(heading, meta, excerpt);
    return item;
  };

  const start = async () => {
    readQuery();
    try {
      pagefind = await load();
    } catch (err) {
      showUnavailable();
      return;
    }
    readFilters(); // only now: the unit and year options come from the index
    await search();
  };

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearTimeout(timer);
    search();
  });
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(search, DEBOUNCE_MS);
  });
  for (const select of [...selects, sortSelect].filter(Boolean)) select.addEventListener("change", () => search());
  more.addEventListener("click", () => showMore(generation, true));
  start();
})();
