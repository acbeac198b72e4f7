// Build errors over the page while previewing with `build.py serve` (never part of a published page:
// the preview server adds this script to the HTML it serves).
// It asks the server for the state of the last build; when that build failed, the page shown is
// the last good one, and an overlay names each problem's file and line. When a later build
// succeeds, live reload reloads the page and the overlay is gone.
(function () {
  "use strict";
  var STATUS = "/_bantin/dev-status.json";
  var POLL_MS = 1000;
  var ID = "bantin-dev-overlay";
  var dismissed = -1; // the build number the editor closed the overlay for

  function text(tag, content, style) {
    var el = document.createElement(tag);
    el.textContent = content;
    if (style) el.setAttribute("style", style);
    return el;
  }

  function where(p) {
    return p.line ? p.path + ":" + p.line : p.path;
  }

  function render(status) {
    var box = document.getElementById(ID);
    if (status.state === "building") return; // keep showing the last result until the next one
    if (status.state !== "failed" || status.build === dismissed) {
      if (box) box.remove();
      return;
    }
    if (box && box.getAttribute("data-build") === String(status.build)) return;
    if (box) box.remove();
    box = document.createElement("div");
    box.id = ID;
    box.setAttribute("role", "alert");
    box.setAttribute("data-build", String(status.build));
    box.setAttribute("style", "position:fixed;inset:0;z-index:2147483647;overflow:auto;" +
      "background:rgba(20,20,20,.92);color:#fff;font:15px/1.5 system-ui,sans-serif;padding:2rem");
    var close = text("button", "Đóng ×", "float:right;font:inherit;padding:.2rem .8rem;cursor:pointer");
    close.addEventListener("click", function () { dismissed = status.build; box.remove(); });
    box.appendChild(close);
    box.appendChild(text("h2", "Không dựng được trang (" + status.problems.length + " lỗi)",
      "margin:0 0 .5rem;color:#ff8a80;font-size:1.4rem"));
    box.appendChild(text("p", "Trang đang hiển thị là bản dựng thành công gần nhất. " +
      "Sửa các lỗi dưới đây rồi lưu tệp, trang sẽ tự tải lại.", "margin:0 0 1rem;color:#ddd"));
    var list = document.createElement("ol");
    list.setAttribute("style", "padding-left:1.5rem;margin:0");
    status.problems.forEach(function (p) {
      var item = document.createElement("li");
      item.setAttribute("style", "margin:0 0 .8rem");
      item.appendChild(text("code", where(p), "color:#ffd54f;font:600 14px/1.4 ui-monospace,monospace"));
      item.appendChild(text("div", (p.field ? p.field + ": " : "") + p.message));
      if (p.hint) item.appendChild(text("div", "→ " + p.hint, "color:#a5d6a7"));
      list.appendChild(item);
    });
    box.appendChild(list);
    document.body.appendChild(box);
  }

  function poll() {
    fetch(STATUS, { cache: "no-store" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (status) { if (status) render(status); })
      .catch(function () { /* server stopped: nothing to show */ })
      .then(function () { setTimeout(poll, POLL_MS); });
  }

  if (window.fetch) poll();
})();
