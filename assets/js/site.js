// Small progressive enhancements: today's date, print/share buttons, archive date picker.
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

  // Archive pages exist only for days with news: try the day, then its month, then its year.
  function openArchive(base, value) {
    var parts = value.split("-");
    var candidates = [parts.join("/") + "/", parts[0] + "/" + parts[1] + "/", parts[0] + "/"];
    (function next(i) {
      if (i >= candidates.length) { window.location.href = base; return; }
      fetch(base + candidates[i], { method: "HEAD" }).then(function (r) {
        if (r.ok) window.location.href = base + candidates[i]; else next(i + 1);
      }).catch(function () { window.location.href = base + candidates[i]; });
    })(0);
  }

  function enableArchiveForms() {
    var forms = document.querySelectorAll("[data-archive-form]");
    Array.prototype.forEach.call(forms, function (form) {
      form.addEventListener("submit", function (event) {
        var input = form.querySelector("input[type=date]");
        if (!input || !input.value) return;
        event.preventDefault();
        openArchive(form.getAttribute("action"), input.value);
      });
    });
  }

  function start() { showToday(); enablePrintDate(); enableActions(); enableArchiveForms(); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
})();
