// Polls (templates/partials/poll.html): vote without leaving the page and draw the results from the
// counter service (POST /api/vote, GET /api/poll, docs/counter-openapi.yaml). Without this script the
// form still posts to the service, which answers a short page; results baked into the page by the
// build (`--counts`) show under "Xem kết quả" either way.
(function () {
  "use strict";

  function number(n, digits) {
    var lang = document.documentElement.lang === "vi" ? "vi-VN" : "en-US";
    return new Intl.NumberFormat(lang, { maximumFractionDigits: digits || 0 }).format(n);
  }

  function say(section, key) {
    section.querySelector(".poll__status").textContent = section.getAttribute("data-msg-" + key) || "";
  }

  function span(className, text) {
    var element = document.createElement("span");
    element.className = className;
    if (text !== undefined) element.textContent = text;
    return element;
  }

  // The same list as the template writes: label, "12 phiếu (34,5%)", a bar for the eye only.
  function draw(section, data) {
    var labels = JSON.parse(section.getAttribute("data-labels") || "{}");
    var total = data.total || 0;
    var list = document.createElement("ul");
    list.className = "poll__bars";
    (data.options || []).forEach(function (option) {
      var share = total ? Math.round(option.votes * 1000 / total) / 10 : 0;
      var item = document.createElement("li");
      item.setAttribute("data-option", option.id);
      var votes = section.getAttribute("data-msg-votes").replace("{n}", number(option.votes));
      var bar = span("poll__bar");
      bar.setAttribute("aria-hidden", "true");
      var fill = span("");
      fill.style.width = share + "%";
      bar.appendChild(fill);
      item.append(span("poll__label", labels[option.id] || option.id), " ",
                  span("poll__figure", votes + " (" + number(share, 1) + "%)"), bar);
      list.appendChild(item);
    });
    var sum = document.createElement("p");
    sum.className = "poll__total";
    sum.textContent = section.getAttribute("data-msg-total").replace("{n}", number(total));
    section.querySelector("[data-poll-results]").replaceChildren(list, sum);
    section.querySelector(".poll__details").open = true;
  }

  function done(section) {
    var form = section.querySelector(".poll__form");
    if (form) form.querySelectorAll("input, button").forEach(function (e) { e.disabled = true; });
  }

  function call(section, path, options) {
    return fetch(section.getAttribute("data-api") + path, options).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        return { status: response.status, body: body };
      });
    });
  }

  function vote(section, event) {
    event.preventDefault();
    var choice = section.querySelector("input[name=option]:checked");
    if (!choice) { say(section, "choose"); return; }
    var body = JSON.stringify({ poll: section.getAttribute("data-poll"), option: choice.value });
    call(section, "/api/vote", { method: "POST", headers: { "Content-Type": "application/json" }, body: body })
      .then(function (answer) {
        // Drawing opens the results, which asks for them again: that answer must not replace the thanks.
        if (answer.status === 200) section.setAttribute("data-voted-now", "");
        if (answer.body && answer.body.options) draw(section, answer.body);
        if (answer.status === 200) { say(section, "thanks"); done(section); }
        else if (answer.status === 409) { say(section, "already"); done(section); }
        else if (answer.status === 403 && answer.body && answer.body.open === false) { say(section, "closed"); done(section); }
        else say(section, "error");
      })
      .catch(function () { say(section, "error"); });
  }

  function results(section) {
    call(section, "/api/poll?id=" + encodeURIComponent(section.getAttribute("data-poll")), {})
      .then(function (answer) {
        if (answer.status !== 200 || !answer.body.options) return;   // keep the baked results
        draw(section, answer.body);
        if (answer.body.voted && !section.hasAttribute("data-voted-now")) { say(section, "already"); done(section); }
      })
      .catch(function () {});
  }

  document.querySelectorAll("section.poll[data-poll]").forEach(function (section) {
    var form = section.querySelector(".poll__form");
    if (form) form.addEventListener("submit", function (event) { vote(section, event); });
    var details = section.querySelector(".poll__details");
    details.addEventListener("toggle", function () { if (details.open) results(section); });
    if (details.open) results(section);
  });
})();
