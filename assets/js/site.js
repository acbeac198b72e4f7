// Small progressive enhancements: today's date, print date, share and copy buttons, the archive date form.
(function () {
  "use strict";
  var doc = document.documentElement;
  var vi = (doc.lang || "vi").slice(0, 2) === "vi";
  var WEEKDAYS_VI = ["Chủ Nhật", "Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy"];

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function showToday() {
    var el = document.getElementById("today");
    if (!el) return;
    var now = new Date();
    el.setAttribute("datetime", now.getFullYear() + "-" + pad(now.getMonth() + 1) + "-" + pad(now.getDate()));
    el.textContent = vi
      ? WEEKDAYS_VI[now.getDay()] + ", ngày " + now.getDate() + " tháng " + (now.getMonth() + 1) + " năm " + now.getFullYear()
      : now.toLocaleDateString("en-GB", { weekday: "long", day: "numeric", month: "long", year: "numeric" });
  }

  function formatDay(d) { return pad(d.getDate()) + "/" + pad(d.getMonth() + 1) + "/" + d.getFullYear(); }

  // The print header (print.css) carries the day the page was printed, not the day it was built.
  function enablePrintDate() {
    var el = document.querySelector("[data-print-date]");
    if (!el) return;
    var fill = function () { el.textContent = formatDay(new Date()); el.parentNode.hidden = false; };
    fill();
    window.addEventListener("beforeprint", fill);
  }

  // Copy with the Clipboard API; where it is missing or refused (plain http), a selected textarea.
  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed"; area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      document.body.removeChild(area);
      if (ok) resolve(); else reject(new Error("copy refused"));
    });
  }

  function enableActions() {
    var printButton = document.querySelector("[data-print]");
    if (printButton) {
      printButton.hidden = false;
      printButton.addEventListener("click", function () { window.print(); });
    }
    // The system share sheet only where there is one (phones); copying always copies.
    var share = document.querySelector("[data-share]");
    if (share && navigator.share) {
      share.hidden = false;
      share.addEventListener("click", function () {
        navigator.share({ title: share.getAttribute("data-title"), url: share.getAttribute("data-url") }).catch(function () {});
      });
    }
    var copy = document.querySelector("[data-copy]");
    var status = document.querySelector(".action-status");
    if (copy && status) {
      copy.hidden = false;
      copy.addEventListener("click", function () {
        copyText(copy.getAttribute("data-url")).then(function () {
          status.textContent = status.getAttribute("data-copied");
          setTimeout(function () { status.textContent = ""; }, 4000);
        }, function () { status.textContent = copy.getAttribute("data-url"); });
      });
    }
  }

  // "Tìm kiếm theo ngày": the day typed as dd/mm/yyyy (any browser locale), checked against the list
  // of days with news (/luu-tru/ngay.json). A day without news says so and links the nearest ones.
  function readDay(text) {
    var m = /^\s*(\d{1,2})\s*[\/.\-]\s*(\d{1,2})\s*[\/.\-]\s*(\d{4})\s*$/.exec(text);
    if (!m) return null;
    var d = +m[1], mo = +m[2], y = +m[3], date = new Date(y, mo - 1, d);
    if (date.getFullYear() !== y || date.getMonth() !== mo - 1 || date.getDate() !== d) return null;
    return y + "-" + pad(mo) + "-" + pad(d);
  }

  function showDay(iso) { var p = iso.split("-"); return p[2] + "/" + p[1] + "/" + p[0]; }

  function dayLink(base, iso) {
    var a = document.createElement("a");
    a.href = base + iso.split("-").join("/") + "/";
    a.textContent = showDay(iso);
    return a;
  }

  function answer(form, status, iso, days) {
    var base = form.getAttribute("action");
    if (days.indexOf(iso) >= 0) { window.location.href = base + iso.split("-").join("/") + "/"; return; }
    var before = null, after = null;
    days.forEach(function (day) {
      if (day < iso) before = day; else if (day > iso && after === null) after = day;
    });
    status.textContent = form.getAttribute("data-empty").replace("{date}", showDay(iso)) + " ";
    var near = [before, after].filter(Boolean);
    if (!near.length) return;
    status.appendChild(document.createTextNode(form.getAttribute("data-nearest") + " "));
    near.forEach(function (day, i) {
      if (i) status.appendChild(document.createTextNode(", "));
      status.appendChild(dayLink(base, day));
    });
    status.appendChild(document.createTextNode("."));
  }

  function enableArchiveForms() {
    var forms = document.querySelectorAll("[data-archive-form]");
    Array.prototype.forEach.call(forms, function (form) {
      var days = null;
      form.addEventListener("submit", function (event) {
        var input = form.querySelector("input[name=ngay]");
        var status = form.querySelector("[data-archive-status]");
        if (!input || !status) return;
        event.preventDefault();
        var iso = readDay(input.value);
        if (!iso) { status.textContent = form.getAttribute("data-invalid"); return; }
        if (days) { answer(form, status, iso, days); return; }
        fetch(form.getAttribute("data-days")).then(function (r) {
          if (!r.ok) throw new Error(r.status);
          return r.json();
        }).then(function (data) {
          days = data.days || [];
          answer(form, status, iso, days);
        }).catch(function () {
          window.location.href = form.getAttribute("action") + iso.split("-").join("/") + "/";
        });
      });
    });
  }

  function start() { showToday(); enablePrintDate(); enableActions(); enableArchiveForms(); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
})();
