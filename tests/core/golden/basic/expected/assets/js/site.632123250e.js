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

  function enableActions() {
    var printButton = document.querySelector("[data-print]");
    if (printButton) {
      printButton.hidden = false;
      printButton.addEventListener("click", function () { window.print(); });
    }
    var share = document.querySelector("[data-share]");
    if (share && (navigator.share || navigator.clipboard)) {
      share.hidden = false;
      share.addEventListener("click", function () {
        var data = { title: share.getAttribute("data-title"), url: share.getAttribute("data-url") };
        if (navigator.share) { navigator.share(data).catch(function () {}); return; }
        navigator.clipboard.writeText(data.url).then(function () {
          share.textContent = share.getAttribute("data-copied");
        });
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

  function start() { showToday(); enableActions(); enableArchiveForms(); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
})();
