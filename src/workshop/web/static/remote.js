/* The facilitator's remote follows the room: server-sent events say when what it shows has changed,
   and the page then reloads, unless something is half typed (a count, a note): then it says so and
   reloads once that is stored or cleared. The time box's clock comes with the events, in the
   projector's words. Without a script the page refreshes itself (the refresh inside <noscript>). */
(function () {
  "use strict";
  var doc = document;
  var main = doc.getElementById("remote");
  var status = doc.getElementById("status");
  if (!main || !status || !main.getAttribute("data-version") || !doc.querySelectorAll) { return; }
  var shown = main.getAttribute("data-version");
  var pending = false;

  function typing() {
    var fields = main.querySelectorAll("input, textarea, select");
    for (var i = 0; i < fields.length; i++) {
      var field = fields[i];
      if (field.type === "hidden") { continue; }
      if (field.type === "radio" || field.type === "checkbox") {
        if (field.checked !== field.defaultChecked) { return true; }
      } else if (field.tagName === "SELECT") {
        var option = field.options[field.selectedIndex];
        if (option && !option.defaultSelected) { return true; }
      } else if (field.value !== field.defaultValue) {
        return true;
      }
    }
    var active = doc.activeElement;
    return !!active && (active.tagName === "TEXTAREA" || (active.tagName === "INPUT" && active.type !== "radio"));
  }

  function reload() { window.location.replace("/remote"); }

  function changed() {
    if (!typing()) { reload(); return; }
    if (!pending) {
      pending = true;
      status.className = "message";
      status.textContent = "The room has moved on: store or clear what you typed, and this page follows.";
    }
  }

  doc.addEventListener("focusout", function () {
    if (pending) { setTimeout(function () { if (!typing()) { reload(); } }, 400); }
  });

  function clock(data) {
    var timer = doc.getElementById("timer");
    if (!timer || !data.timer) { return; }
    timer.querySelector("span").textContent = data.timer;
    timer.className = "timer" + (data.time_left < 0 ? " over" : "");
  }

  if (!window.EventSource) {
    setInterval(function () { if (!typing()) { reload(); } }, 5000);
    return;
  }
  function connect() {
    var source = new EventSource("/api/remote/events");
    source.onmessage = function (event) {
      var data;
      try { data = JSON.parse(event.data); } catch (ignore) { return; }
      clock(data);
      if (data.version !== shown) { changed(); }
    };
    source.addEventListener("unpaired", function () { source.close(); reload(); });
    source.onerror = function () {
      if (source.readyState !== 2) { return; }  /* the browser tries again by itself */
      /* Refused: unpaired (the page starts again at once), or the laptop busy or gone (later). */
      var xhr = new XMLHttpRequest();
      xhr.open("GET", "/api/remote/state", true);
      xhr.onreadystatechange = function () {
        if (xhr.readyState !== 4) { return; }
        if (xhr.status === 401) { reload(); } else { setTimeout(connect, 5000); }
      };
      xhr.send(null);
    };
  }
  connect();
}());
