/* bantin view counter widget. Counts this page's view and refreshes the numbers
   baked into the page. No framework, no cookies. If the service is down the
   baked numbers simply stay. Server data only ever goes in via textContent. */
(function () {
  'use strict';
  var html = document.documentElement;

  function start() {
    var api = (html.getAttribute('data-counter') || '').replace(/\/+$/, '');
    if (!api) return;
    var path = html.getAttribute('data-path');
    var base = html.getAttribute('data-base') || '/';
    var sep = /^en/i.test(html.getAttribute('lang') || '') ? ',' : '.';

    function fmt(n) {
      return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, sep);
    }
    function all(selector) {
      return Array.prototype.slice.call(document.querySelectorAll(selector));
    }
    function set(el, n) {
      if (typeof n !== 'number') return;
      el.textContent = fmt(n);
      // Listings hide "Lượt xem" until there is a number to show ("0" reads as "nobody reads this").
      var wrap = el.closest && el.closest('[data-views-wrap]');
      if (wrap && n > 0) wrap.hidden = false;
    }
    // Any failure (service down, 4xx, odd data) leaves the baked numbers as they are.
    function load(url, options, use) {
      options.credentials = 'omit';
      fetch(api + url, options).then(function (r) {
        if (!r.ok) throw new Error(r.status);
        return r.json();
      }).then(use).catch(function () {});
    }
    // Compare attributes instead of building selectors: paths never reach a selector.
    function fillViews(views) {
      all('[data-views]').forEach(function (el) {
        var p = el.getAttribute('data-views');
        if (Object.prototype.hasOwnProperty.call(views, p)) set(el, views[p]);
      });
    }
    function fillSite(data) {
      all('[data-site-visits]').forEach(function (el) { set(el, data.site_visits); });
      all('[data-online]').forEach(function (el) { set(el, data.online); });
    }

    if (path) {
      // A string body is sent as text/plain: a simple CORS request, no preflight.
      // fetch, not a beacon: we need the answer to show the new count.
      load('/api/hit', {method: 'POST', body: JSON.stringify({path: path}), keepalive: true},
        function (data) {
          var views = {};
          views[path] = data.views;
          fillViews(views);
          fillSite(data);
        });
    }

    var seen = {};
    var others = [];
    all('[data-views]').forEach(function (el) {
      var p = el.getAttribute('data-views');
      if (p && p !== path && !seen[p]) {
        seen[p] = 1;
        others.push(p);
      }
    });
    for (var i = 0; i < others.length; i += 100) {
      var query = others.slice(i, i + 100).map(function (p) {
        return 'path=' + encodeURIComponent(p);
      }).join('&');
      load('/api/counts?' + query, {}, function (data) { fillViews(data.views); });
    }

    all('ol[data-top]').forEach(function (ol) {
      var period = ol.getAttribute('data-top') === 'all' ? 'all' : '7d';
      // data-limit if the template sets it, else as many as were baked, else 10.
      var limit = Math.min(20, +ol.getAttribute('data-limit') || ol.children.length || 10);
      // data-top-only: a site path prefix (articles); ask for more, as other pages are dropped.
      var only = ol.getAttribute('data-top-only') || '';
      load('/api/top?period=' + period + '&limit=' + (only ? 20 : limit), {}, function (data) {
        if (!data.items) return;
        data.items = data.items.filter(function (item) {
          return item.path.indexOf(only) === 0;
        }).slice(0, limit);
        if (!data.items.length) return;
        var model = ol.querySelector('li');
        var items = data.items.map(function (item) {
          var li = model ? model.cloneNode(true) : document.createElement('li');
          var a = li.querySelector('a');
          var span = li.querySelector('[data-views]');
          if (!a) {
            a = li.appendChild(document.createElement('a'));
            li.appendChild(document.createTextNode(' '));
          }
          if (!span) span = li.appendChild(document.createElement('span'));
          a.setAttribute('href', base + item.path.replace(/^\//, ''));
          a.textContent = item.title;
          span.setAttribute('data-views', item.path);
          set(span, item.views);
          return li;
        });
        while (ol.firstChild) ol.removeChild(ol.firstChild);
        items.forEach(function (li) { ol.appendChild(li); });
      });
    });
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
