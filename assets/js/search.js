/* Search page (/tim-kiem/): runs Pagefind's JS API over the index the build writes to pagefind/.
 *
 * Pagefind already matches Vietnamese tones loosely ("bo" finds "bộ") and ranks exact tones
 * higher, but "đ" is a letter of its own to it. So each query is also run with its d/đ variants
 * ("dang bo" → "đang bo"), and the results are merged: when the reader typed accents, matches of
 * the query as typed come first. See docs/search.md.
 */
(() => {
  "use strict";

  const PAGE_SIZE = 10;
  const MAX_D_WORDS = 4; // 2^4 = 16 searches at most; further d/đ words are searched as typed
  const DEBOUNCE_MS = 250;
  const PARAMS = { category: "chuyen-muc", unit: "don-vi", year: "nam" };

  /** Canonical composed form, so NFD input (some keyboards, pasted text) equals NFC input. */
  const nfc = (text) => text.normalize("NFC");

  /** Lowercase without diacritics, đ → d: the same as bantin.text.fold in Python. */
  const fold = (text) => text.replace(/[đĐ]/g, (c) => (c === "đ" ? "d" : "D"))
    .normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();

  /** The spellings of one word Pagefind needs to be asked about: as typed, with d, with đ. */
  const wordForms = (word) => {
    if (!/[dDđĐ]/.test(word)) return [word];
    const toD = word.replace(/[đĐ]/g, (c) => (c === "đ" ? "d" : "D"));
    const toDd = word.replace(/[dD]/g, (c) => (c === "d" ? "đ" : "Đ"));
    return [...new Set([word, toD, toDd])];
  };

  /** Every query to run, the query as typed first; only the first MAX_D_WORDS d-words vary. */
  const queryVariants = (query) => {
    let variants = [""];
    let varied = 0;
    for (const word of query.split(/\s+/).filter(Boolean)) {
      const forms = varied < MAX_D_WORDS ? wordForms(word) : [word];
      if (forms.length > 1) varied += 1;
      variants = variants.flatMap((head) => forms.map((form) => (head ? `${head} ${form}` : form)));
    }
    return variants;
  };

  /** Whether the reader typed any accent or đ: then exact spellings must rank first. */
  const hasAccents = (query) => fold(query) !== query.toLowerCase();

  /** One ranked list from the searches of every variant (each a Pagefind results array): matches
   * of the query as typed first when it has accents, then pages holding the words as a phrase
   * (`phraseIds`), then score. Scores are divided by the best of their own list first: a rare
   * spelling ("dang") gets far higher raw scores than a common one ("đảng"), which says nothing
   * about which one the reader meant. */
  const mergeResults = (lists, exactFirst, phraseIds = new Set()) => {
    const best = new Map();
    lists.forEach((results, variant) => {
      const tier = exactFirst && variant !== 0 ? 2 : 0;
      const top = Math.max(...results.map((result) => result.score)) || 1;
      for (const result of results) {
        const rank = tier + (phraseIds.has(result.id) ? 0 : 1);
        const score = result.score / top;
        const seen = best.get(result.id);
        if (!seen) {
          best.set(result.id, { rank, score, tier, shown: result });
          continue;
        }
        if (rank < seen.rank || (rank === seen.rank && score > seen.score)) {
          Object.assign(seen, { rank, score });
        }
        // Show the excerpt of the spelling typed when it counts, else of the variant that matched
        // the most words ("đang bo" marks both words of "Đảng bộ", "dang bo" only the second).
        if (tier < seen.tier || (tier === seen.tier && result.words.length > seen.shown.words.length)) {
          Object.assign(seen, { tier, shown: result });
        }
      }
    });
    return [...best.values()]
      .sort((a, b) => a.rank - b.rank || b.score - a.score || (a.shown.id < b.shown.id ? -1 : 1))
      .map((entry) => entry.shown);
  };

  /** Text with <mark> kept from a Pagefind excerpt, everything else as plain text (no markup injection). */
  const excerptNodes = (html) => {
    const template = document.createElement("template");
    template.innerHTML = html;
    return [...template.content.childNodes].map((node) => {
      if (node.nodeName === "MARK") {
        const mark = document.createElement("mark");
        mark.textContent = node.textContent;
        return mark;
      }
      return document.createTextNode(node.textContent);
    });
  };

  const fill = (template, values) => template.replace(/\{(\w+)\}/g, (_, key) => String(values[key] ?? ""));

  /** Numbers the local way: 1.234 in Vietnamese, 1,234 in English. */
  const formatCount = (n) => n.toLocaleString(document.documentElement.lang === "vi" ? "vi-VN" : "en-US");

  // Exposed for tests of the pure helpers in a real browser.
  window.bantinSearch = { fold, nfc, wordForms, queryVariants, hasAccents, mergeResults };

  const section = document.querySelector("[data-search]");
  const form = document.querySelector("[data-search-form]");
  if (!section || !form) return;
  const input = form.querySelector("input[name=q]");
  const status = section.querySelector("[data-search-status]");
  const list = section.querySelector("[data-search-list]");
  const more = section.querySelector("[data-search-more]");
  const selects = [...form.querySelectorAll("select[data-filter]")];
  const strings = section.dataset;
  const base = document.documentElement.dataset.base || "/";
  let pagefind = null;
  let ranked = [];
  let shown = 0;
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

  /** Load pagefind.js (under the site's base path) and fill the unit and year filters. */
  const load = async () => {
    const module = await import(`${base}pagefind/pagefind.js`);
    await module.options({ baseUrl: base, excerptLength: 30 });
    await module.init();
    const [counts, units] = await Promise.all([module.filters(), fetchUnits()]);
    fillUnits(units, counts.unit || {});
    fillYears(counts.year || {});
    form.querySelector("[data-search-filters]").hidden = false;
    return module;
  };

  const fetchUnits = async () => {
    const response = await fetch(`${base}pagefind/bantin-units.json`);
    return response.ok ? (await response.json()).units : [];
  };

  const addOption = (select, value, label) => {
    const option = document.createElement("option");
    option.value = value;
    option.textContent = label;
    select.append(option);
  };

  /** Units that have articles, in tree order, indented by depth (sub-units are included in a unit). */
  const fillUnits = (units, counts) => {
    const select = form.querySelector("select[data-filter=unit]");
    for (const unit of units) {
      if (counts[unit.id]) addOption(select, unit.id, `${"\u00a0\u00a0".repeat(unit.depth)}${unit.name}`);
    }
  };

  const fillYears = (counts) => {
    const select = form.querySelector("select[data-filter=year]");
    for (const year of Object.keys(counts).sort().reverse()) addOption(select, year, year);
  };

  const chosenFilters = () => {
    const filters = {};
    for (const select of selects) if (select.value) filters[select.dataset.filter] = select.value;
    return filters;
  };

  /** Keep the address in step with the form, so a search can be bookmarked and shared. */
  const rememberInUrl = (query) => {
    const params = new URLSearchParams();
    if (query) params.set("q", query);
    for (const select of selects) if (select.value) params.set(PARAMS[select.dataset.filter], select.value);
    const search = params.toString();
    history.replaceState(null, "", search ? `?${search}` : location.pathname);
  };

  const readQuery = () => {
    input.value = nfc(new URLSearchParams(location.search).get("q") || "");
  };

  const readFilters = () => {
    const params = new URLSearchParams(location.search);
    for (const select of selects) {
      const value = params.get(PARAMS[select.dataset.filter]);
      if (value && [...select.options].some((o) => o.value === value)) select.value = value;
    }
  };

  /** Pagefind results for a (normalised, non-empty) query, best first. */
  const find = async (query, filters) => {
    const variants = queryVariants(query);
    const run = (q) => pagefind.search(q, { filters }).then((found) => (found ? found.results : []));
    // Pagefind has no proximity ranking; a quoted (phrase) search of each variant stands in for it.
    const [lists, phrases] = await Promise.all([Promise.all(variants.map(run)),
      query.includes(" ") ? Promise.all(variants.map((q) => run(`"${q}"`))) : []]);
    const phraseIds = new Set(phrases.flat().map((result) => result.id));
    return mergeResults(lists, hasAccents(query), phraseIds);
  };
  window.bantinSearch.find = (query, filters = {}) => find(nfc(query).replace(/\s+/g, " ").trim(), filters);

  const search = async () => {
    const query = nfc(input.value).replace(/\s+/g, " ").trim();
    const mine = ++generation;
    rememberInUrl(query);
    list.replaceChildren();
    more.hidden = true;
    if (!query) {
      ranked = [];
      setStatus(strings.tHint);
      return;
    }
    if (!pagefind) return;
    setStatus(strings.tLoading);
    const found = await find(query, chosenFilters());
    if (mine !== generation) return; // a newer search started meanwhile
    ranked = found;
    shown = 0;
    await showMore(mine);
    if (mine !== generation) return;
    // The count is announced (aria-live) once the first results are on the page, not before.
    setStatus(ranked.length ? fill(strings.tCount, { count: formatCount(ranked.length), query })
      : fill(strings.tNone, { query }));
  };

  const showMore = async (mine) => {
    const page = ranked.slice(shown, shown + PAGE_SIZE);
    const data = await Promise.all(page.map((result) => result.data()));
    if (mine !== generation) return;
    list.append(...data.map(resultItem));
    shown += page.length;
    more.hidden = shown >= ranked.length;
  };

  /** One result: the title as a link (a heading, for screen-reader navigation), date, category, excerpt. */
  const resultItem = (data) => {
    const item = document.createElement("li");
    item.className = "search-result";
    const heading = document.createElement("h3");
    heading.className = "search-result__title";
    const link = document.createElement("a");
    link.href = data.url;
    link.textContent = data.meta.title || data.url;
    heading.append(link);
    const meta = document.createElement("p");
    meta.className = "meta";
    if (data.meta.date) {
      const time = document.createElement("time");
      if (data.meta.iso) time.dateTime = data.meta.iso;
      time.textContent = data.meta.date;
      meta.append(time);
    }
    const category = (data.filters.category || [])[0];
    if (category) meta.append(document.createTextNode(`${meta.childNodes.length ? " · " : ""}${category}`));
    const excerpt = document.createElement("p");
    excerpt.className = "search-result__excerpt";
    excerpt.append(...excerptNodes(data.excerpt));
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
  for (const select of selects) select.addEventListener("change", () => search());
  more.addEventListener("click", async () => {
    const first = shown;
    await showMore(generation);
    // Move keyboard focus to the first new result, so the reader continues where the list grew.
    list.children[first]?.querySelector("a")?.focus();
  });
  start();
})();
