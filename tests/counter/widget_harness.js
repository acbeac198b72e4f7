// Runs assets/js/counter.js in Node against a tiny DOM, with the real fetch.
// Usage: node widget_harness.js counter.js '<page json>'. The page is
// {"html": {attrs}, "body": [node, ...]} where a node is [tag, {attrs}, child...]
// and a child is a string or a node. Prints {"body": [...], "fetches": [...]}.
'use strict';
const fs = require('fs');

class Text {
  constructor(text) { this.data = text; this.parentNode = null; }
  get textContent() { return this.data; }
  cloneNode() { return new Text(this.data); }
  toJSON() { return this.data; }
}

class Element {
  constructor(tag, attrs) {
    this.tagName = tag.toUpperCase();
    this.attrs = Object.assign({}, attrs || {});
    this.childNodes = [];
    this.parentNode = null;
  }
  getAttribute(name) { return name in this.attrs ? this.attrs[name] : null; }
  setAttribute(name, value) { this.attrs[name] = String(value); }
  get children() { return this.childNodes.filter((n) => n instanceof Element); }
  get firstChild() { return this.childNodes[0] || null; }
  appendChild(node) { node.parentNode = this; this.childNodes.push(node); return node; }
  removeChild(node) { this.childNodes.splice(this.childNodes.indexOf(node), 1); return node; }
  get textContent() { return this.childNodes.map((n) => n.textContent).join(''); }
  set textContent(text) { this.childNodes = []; this.appendChild(new Text(String(text))); }
  set innerHTML(_) { throw new Error('innerHTML must not be used'); }
  cloneNode(deep) {
    const copy = new Element(this.tagName.toLowerCase(), this.attrs);
    if (deep) this.childNodes.forEach((n) => copy.appendChild(n.cloneNode(true)));
    return copy;
  }
  matches(selector) {
    const m = /^([a-z]+)?(?:\[([\w-]+)\])?$/.exec(selector);
    if (!m) throw new Error('unsupported selector ' + selector);
    return (!m[1] || this.tagName === m[1].toUpperCase()) && (!m[2] || m[2] in this.attrs);
  }
  querySelectorAll(selector) {
    const found = [];
    const walk = (el) => el.children.forEach((c) => { if (c.matches(selector)) found.push(c); walk(c); });
    walk(this);
    return found;
  }
  querySelector(selector) { return this.querySelectorAll(selector)[0] || null; }
  toJSON() { return [this.tagName.toLowerCase(), this.attrs, ...this.childNodes.map((n) => n.toJSON())]; }
}

function build(spec) {
  if (typeof spec === 'string') return new Text(spec);
  const [tag, attrs, ...children] = spec;
  const el = new Element(tag, attrs);
  children.forEach((c) => el.appendChild(build(c)));
  return el;
}

const page = JSON.parse(process.argv[3]);
const html = new Element('html', page.html);
const body = html.appendChild(new Element('body'));
page.body.forEach((spec) => body.appendChild(build(spec)));
const listeners = [];
global.document = {
  documentElement: html,
  readyState: 'loading',
  addEventListener: (type, fn) => { if (type === 'DOMContentLoaded') listeners.push(fn); },
  querySelectorAll: (s) => html.querySelectorAll(s),
  querySelector: (s) => html.querySelector(s),
  createElement: (tag) => new Element(tag),
  createTextNode: (text) => new Text(text),
};

const fetches = [];
const pending = [];
const realFetch = global.fetch;
// Reads the whole answer before resolving, so that once these promises settle
// only microtasks of the widget remain: the harness can tell when it is done.
global.fetch = (url, options) => {
  fetches.push({url, options});
  // A browser sends its own User-Agent (Node's would be taken for a script), and the
  // page's Origin with every POST: the page is on the site, https://dangbo.example.vn.
  const headers = Object.assign({}, options.headers, {'user-agent': 'Mozilla/5.0 (widget test)'},
    options.method === 'POST' ? {'origin': 'https://dangbo.example.vn'} : {});
  const p = realFetch(url, Object.assign({}, options, {headers})).then(async (r) => {
    const text = await r.text();
    return {ok: r.ok, status: r.status, json: async () => JSON.parse(text)};
  });
  pending.push(p.catch(() => {}));
  return p;
};

(async () => {
  new Function(fs.readFileSync(process.argv[2], 'utf8'))();
  listeners.forEach((fn) => fn());
  let seen = -1;
  while (seen !== pending.length) {
    seen = pending.length;
    await Promise.all(pending);
    await new Promise((resolve) => setImmediate(resolve));
  }
  process.stdout.write(JSON.stringify({body: body.toJSON().slice(2), fetches}));
})();
