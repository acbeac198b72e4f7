/* bantin's additions to Decap CMS: files written the way the content spec and `build.py new` write
 * them, and a preview in the portal's own CSS. Loaded after decap-cms.js and js-yaml.min.js;
 * settings come from this script tag's data- attributes (admin/index.html). */
(function () {
  "use strict";
  var script = document.currentScript;
  var TIMEZONE = script.dataset.timezone || "Asia/Ho_Chi_Minh";
  var HELPER = /^_bantin_/;            // the form's own fields: never written to a file
  var ORDER = "_bantin_keys";         // the keys of the file as it was read, in its order
  var DATE_KEYS = { date: true, opens: true, closes: true, pinned_until: true };
  var COMBINING = /[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]/g;

  /* bantin/text.py slugify(), character for character: "Đảng bộ xã Phú Thuận" -> "dang-bo-xa-phu-thuan". */
  function slugify(text) {
    return String(text).replace(/đ/g, "d").replace(/Đ/g, "D").normalize("NFD").replace(COMBINING, "")
      .toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
  }

  /* The UTC offset of the site's zone at `instant`, as "+07:00". */
  function offsetAt(instant) {
    var parts = {};
    new Intl.DateTimeFormat("en-US", { timeZone: TIMEZONE, hourCycle: "h23", year: "numeric", month: "2-digit",
      day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" })
      .formatToParts(instant).forEach(function (p) { parts[p.type] = p.value; });
    var wall = Date.UTC(+parts.year, +parts.month - 1, +parts.day, +parts.hour, +parts.minute, +parts.second);
    var minutes = Math.round((wall - Math.floor(instant.getTime() / 1000) * 1000) / 60000);
    var sign = minutes < 0 ? "-" : "+";
    minutes = Math.abs(minutes);
    return { wall: parts, text: sign + pad(Math.floor(minutes / 60)) + ":" + pad(minutes % 60) };
  }

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  var DATE = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?\s*(Z|[+-]\d{2}:?\d{2})?)?$/;

  /* A date as read from a file: one without an offset is in the site's zone (the spec's rule). */
  function withOffset(text) {
    var m = DATE.exec(String(text).trim());
    if (!m || m[7]) return text;
    var naive = Date.UTC(+m[1], +m[2] - 1, +m[3], +(m[4] || 0), +(m[5] || 0));
    var guess = offsetAt(new Date(naive)).text;
    return m[1] + "-" + pad(+m[2]) + "-" + pad(+m[3]) + " " + pad(+(m[4] || 0)) + ":" + (m[5] || "00") + guess;
  }

  /* A date as written to a file: the site's wall-clock time with the site's offset, "2026-06-01 08:00+07:00". */
  function inSiteZone(text) {
    var m = DATE.exec(String(text).trim());
    if (!m || !m[7]) return text;
    var instant = new Date(m[1] + "-" + pad(+m[2]) + "-" + pad(+m[3]) + "T" + pad(+(m[4] || 0)) + ":" +
      (m[5] || "00") + ":" + (m[6] || "00") + (m[7] === "Z" ? "Z" : m[7].replace(/^([+-]\d{2})(\d{2})$/, "$1:$2")));
    if (isNaN(instant.getTime())) return text;
    var zone = offsetAt(instant);
    var w = zone.wall;
    return w.year + "-" + w.month + "-" + w.day + " " + w.hour + ":" + w.minute + zone.text;
  }

  function isEmpty(value) {
    return value === null || value === undefined || value === "" || (Array.isArray(value) && value.length === 0);
  }

  function nfc(value) {
    if (typeof value === "string") return value.normalize("NFC");
    if (Array.isArray(value)) return value.map(nfc);
    if (value && typeof value === "object") {
      var out = {};
      Object.keys(value).forEach(function (k) { out[k] = nfc(value[k]); });
      return out;
    }
    return value;
  }

  /* The file's data: keys it had first, in their order, then new ones in the form's order;
   * empty values the file did not have are left out, helpers dropped, new tags merged. */
  function ordered(data, sortedKeys) {
    var before = Array.isArray(data[ORDER]) ? data[ORDER] : [];
    var keys = [];
    before.concat(sortedKeys || [], Object.keys(data)).forEach(function (k) {
      if (keys.indexOf(k) < 0 && !HELPER.test(k) && k !== "body" && k in data) keys.push(k);
    });
    var extra = String(data._bantin_new_tags || "").split(",").map(function (t) { return t.trim(); })
      .filter(Boolean);
    var out = {};
    keys.forEach(function (k) {
      var value = data[k];
      if (k === "tags" && extra.length) {
        value = (Array.isArray(value) ? value : []).concat(extra.filter(function (t) {
          return (value || []).indexOf(t) < 0;
        }));
      }
      if (isEmpty(value) && before.indexOf(k) < 0) return;
      if (value === false && before.indexOf(k) < 0) return;   // draft, featured: false is the default
      out[k] = DATE_KEYS[k] && typeof value === "string" ? inSiteZone(value) : nfc(value);
    });
    if (extra.length && !("tags" in out)) out.tags = extra;
    return out;
  }

  function read(text) {
    var data = jsyaml.load(text, { schema: jsyaml.CORE_SCHEMA }) || {};
    if (typeof data !== "object" || Array.isArray(data)) data = {};
    data[ORDER] = Object.keys(data);
    Object.keys(DATE_KEYS).forEach(function (k) {
      if (typeof data[k] === "string") data[k] = withOffset(data[k]);
    });
    return data;
  }

  function dump(data, flowLevel) {
    return jsyaml.dump(data, { schema: jsyaml.CORE_SCHEMA, flowLevel: flowLevel, lineWidth: -1, noRefs: true });
  }

  function scalar(value) { return value === null || typeof value !== "object"; }

  /* Front matter: lists of words on one line (`tags: [a, b]`), mappings and lists of them in blocks
   * (a URL in a one-line mapping would not read back). */
  function dumpFront(data) {
    return Object.keys(data).map(function (k) {
      var one = {};
      one[k] = data[k];
      return dump(one, Array.isArray(data[k]) && data[k].every(scalar) ? 1 : -1);
    }).join("");
  }

  var FRONT = /^\uFEFF?---[ \t]*\r?\n([\s\S]*?)\r?\n?---[ \t]*(?:\r?\n|$)([\s\S]*)$/;

  var frontmatter = {
    fromFile: function (content) {
      var m = FRONT.exec(content);
      if (!m) return { body: content, _bantin_keys: [] };
      var data = read(m[1]);
      data.body = m[2];
      return data;
    },
    toFile: function (data, sortedKeys) {
      var body = String(data.body || "").normalize("NFC");
      return "---\n" + dumpFront(ordered(data, sortedKeys)) + "---\n" + body.replace(/\s*$/, "\n");
    },
  };

  var yamlFile = {
    fromFile: function (content) { return read(content); },
    toFile: function (data, sortedKeys) { return dump(ordered(data, sortedKeys), -1); },
  };

  CMS.registerCustomFormat("bantin-frontmatter", "md", frontmatter);
  CMS.registerCustomFormat("bantin-yaml", "yaml", yamlFile);

  /* New files are named like `build.py new` names them: the slug of the title (or unit name). */
  CMS.registerEventListener({
    name: "preSave",
    handler: function (event) {
      var entry = event.entry;
      var data = entry.get("data");
      if (!entry.get("newRecord") || data.get("_bantin_slug")) return data;
      var source = data.get("title") || data.get("name") || data.get("question") || "";
      return data.set("_bantin_slug", slugify(source));
    },
  });

  if (script.dataset.siteCss) CMS.registerPreviewStyle(script.dataset.siteCss);
  CMS.registerPreviewStyle("data:text/css," + encodeURIComponent(
    "body{padding:1rem 1.5rem;max-width:46rem;margin:auto}"));

  var h = window.h;
  var ArticlePreview = window.createClass({
    render: function () {
      var data = this.props.entry.get("data");
      var image = data.get("image") ? this.props.getAsset(data.get("image")) : null;
      return h("article", { className: "article" },
        h("h1", { className: "article__title" }, data.get("title") || ""),
        data.get("summary") ? h("p", { className: "article__sapo" }, data.get("summary")) : null,
        image ? h("figure", { className: "article__cover" }, h("img", { src: image.toString(), alt: "" }),
          data.get("image_caption") ? h("figcaption", null, data.get("image_caption")) : null) : null,
        h("div", { className: "article__body prose" }, this.props.widgetFor("body")));
    },
  });
  CMS.registerPreviewTemplate("posts", ArticlePreview);
  CMS.registerPreviewTemplate("pages", ArticlePreview);

  window.bantinSlugify = slugify;   // for the tests that compare it with bantin/text.py
  window.bantinFormat = { frontmatter: frontmatter, yaml: yamlFile };
  CMS.init();
})();
