// Click-to-load videos (bantin/render/media_blocks.py): the page holds a link to the video on
// YouTube or Facebook with a local poster; nothing is requested from them until the reader clicks.
// Then the official player replaces the link, at the address the build allowed (data-embed).
(function () {
  "use strict";
  var ALLOWED = ["https://www.youtube-nocookie.com/embed/", "https://www.facebook.com/plugins/video.php?"];

  function allowed(address) {
    return ALLOWED.some(function (prefix) { return address.indexOf(prefix) === 0; });
  }

  function play(event) {
    var link = event.target.closest("a.video__play[data-embed]");
    if (!link || event.defaultPrevented || event.button > 0 || event.ctrlKey || event.metaKey || event.shiftKey) return;
    var address = link.getAttribute("data-embed");
    if (!allowed(address)) return;
    event.preventDefault();
    var frame = document.createElement("iframe");
    frame.src = address;
    frame.title = link.textContent.trim() || link.getAttribute("data-service");
    frame.className = "video__frame";
    frame.setAttribute("allow", "autoplay; encrypted-media; picture-in-picture; fullscreen");
    frame.setAttribute("allowfullscreen", "");
    frame.setAttribute("referrerpolicy", "strict-origin-when-cross-origin");
    link.replaceWith(frame);
    frame.focus();
  }

  document.addEventListener("click", play);
})();
