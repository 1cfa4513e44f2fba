/* Enhances the server-rendered page: answers are sent without a reload, and the page follows the
   facilitator through server-sent events (or, without EventSource, gentle polling with jitter).
   Plain ES5 with XMLHttpRequest, for old phone browsers; without it the page works by form posts. */
(function () {
  "use strict";
  var doc = document;
  var view = doc.getElementById("view");
  var status = doc.getElementById("status");
  if (!view || !status || !window.XMLHttpRequest || !doc.querySelector) { return; }
  doc.documentElement.className = doc.documentElement.className.replace(/\bnojs\b/, "js");

  var sayTimer = null;
  /* The status line is the live region: clearing it first makes a repeated message heard again. */
  function say(text, kind) {
    status.className = "message" + (kind ? " " + kind : "");
    status.textContent = "";
    if (sayTimer) { clearTimeout(sayTimer); }
    sayTimer = setTimeout(function () { status.textContent = text; }, 60);
  }

  function sentence(text) {
    return text ? text.charAt(0).toUpperCase() + text.slice(1) : "";
  }

  function request(method, url, body, done) {
    var xhr = new XMLHttpRequest();
    xhr.open(method, url, true);
    if (body !== null) { xhr.setRequestHeader("Content-Type", "application/json"); }
    xhr.onreadystatechange = function () {
      if (xhr.readyState !== 4) { return; }
      var data = null;
      try { data = JSON.parse(xhr.responseText); } catch (ignore) { data = null; }
      done(xhr.status, data, xhr.responseText, xhr);
    };
    xhr.send(body === null ? null : JSON.stringify(body));
  }

  function labelText(input) {
    var label = input.parentNode;
    return (label.textContent || label.innerText || input.value).replace(/\s+/g, " ").replace(/^\s|\s$/g, "");
  }

  /* Seconds the server asked us to wait (Retry-After), kept within reason, plus a little jitter so
     the phones in a room do not all send again in the same instant. */
  function retryDelay(xhr) {
    var seconds = parseInt(xhr.getResponseHeader("Retry-After") || "", 10);
    if (!(seconds >= 1)) { seconds = 2; }
    return Math.min(seconds, 30) * 1000 + Math.random() * 500;
  }

  var retryTimer = null;
  function bindVote() {
    var form = doc.getElementById("vote-form");
    if (!form) { return; }
    var button = form.querySelector("button");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var chosen = form.querySelector("input[name=score]:checked");
      if (!chosen) { say("Choose an answer first.", "error"); return; }
      var principle = form.querySelector("input[name=principle]").value;
      var score = chosen.value === "dk" ? "dk" : parseInt(chosen.value, 10);
      var words = labelText(chosen);
      /* The perception round: a second question on the same form, sent once the rating is saved. */
      var guess = form.querySelector("input[name=predict]:checked");
      var then = guess ? function () {
        sendPrediction(form, button, principle, guess.value === "dk" ? "dk" : parseInt(guess.value, 10),
                       words, labelText(guess));
      } : null;
      send(form, button, principle, score, words, then);
    });
  }

  function sendPrediction(form, button, principle, score, words, guessed) {
    button.disabled = true;
    request("POST", "/api/prediction", {principle: principle, score: score}, function (code, body) {
      button.disabled = false;
      var saved = "Your answers are saved: " + words + "; your guess: " + guessed + ".";
      if (code === 200 && form.getAttribute("data-comments")) {
        refresh(function () { say(saved, "ok"); });  /* the view now offers the comment box */
      } else if (code === 200) {
        var mine = doc.getElementById("mine");
        if (mine) {
          mine.innerHTML = "Your answer: <b></b>; your guess at the other side: <b></b>. Saved. " +
            "You can change them until voting closes.";
          mine.getElementsByTagName("b")[0].textContent = words;
          mine.getElementsByTagName("b")[1].textContent = guessed;
        }
        say(saved, "ok");
      } else if (code === 401) {
        window.location.href = "/";
      } else {
        say("Your answer is saved, but not your guess: " +
            sentence(body && body.error ? body.error : "send it again") + ".", "error");
      }
    });
  }

  /* The latest answer is the one sent: a new choice replaces a retry still waiting. */
  function send(form, button, principle, score, words, then) {
    if (retryTimer) { clearTimeout(retryTimer); retryTimer = null; }
    button.disabled = true;
    request("POST", "/api/ballot", {principle: principle, score: score}, function (code, body, text, xhr) {
      button.disabled = false;
      if (code === 503 || code === 429) {
        /* The laptop's database is busy with another command, or answers came faster than one
           device may send them: nothing was saved; send the latest again by ourselves after the
           wait the server gave, unless the person chooses again first. */
        say(code === 503 ? "The laptop is busy, trying again…" : "Sending your answer again in a moment…", "");
        retryTimer = setTimeout(function () {
          retryTimer = null;
          if (doc.body.contains(form)) { send(form, button, principle, score, words, then); }
        }, retryDelay(xhr));
      } else if (code === 200 && then) {
        then();
      } else if (code === 200 && form.getAttribute("data-comments")) {
        /* The plan takes comments: the view now offers the comment box, fetched as the page has it. */
        refresh(function () { say("Your answer is saved: " + words + ".", "ok"); });
      } else if (code === 200) {
        var mine = doc.getElementById("mine");
        if (mine) {
          mine.innerHTML = "Your answer: <b></b>. Saved. You can change it until voting closes.";
          mine.getElementsByTagName("b")[0].textContent = words;
        }
        say("Your answer is saved: " + words + ".", "ok");
      } else {
        failed(code, body, "send");
      }
    });
  }

  /* A request that did not go through: back to the join page when the phone's place has gone, and
     otherwise what happened in a sentence, with what to do (again: "send" or "tap"). */
  function failed(code, body, again) {
    if (code === 401) {
      window.location.href = "/";
    } else if (code === 0) {
      say("No connection to the laptop. Check you are on the room's network, then " + again + " again.", "error");
    } else {
      say(sentence(body && body.error ? body.error : "That did not work; " + again + " again.") + ".", "error");
    }
  }

  /* The view as the server renders it now, then done (after this phone's own change). */
  function refresh(done) {
    request("GET", "/", null, function (pageCode, ignore, text) {
      if (pageCode === 200) { show(viewPart(text)); }
      done();
    });
  }

  function bindComment() {
    var form = doc.getElementById("comment-form");
    if (!form) { return; }
    var button = form.querySelector("button");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var box = doc.getElementById("comment");
      var text = box.value.replace(/^\s+|\s+$/g, "");
      if (!text) { say("Write a comment first: an empty one is not sent.", "error"); box.focus(); return; }
      button.disabled = true;
      var principle = form.querySelector("input[name=principle]").value;
      request("POST", "/api/comment", {principle: principle, text: box.value}, function (code, body) {
        button.disabled = false;
        if (code === 200) {
          refresh(function () { say("Your comment is sent.", "ok"); });
        } else {
          failed(code, body, "send");
          box.focus();
        }
      });
    });
  }

  /* The priorities round: each button sets one principle's dots ("PRINCIPLE:N"); a tap is sent at
     once and the view fetched again, focus staying on the button tapped. Taps while one is on its
     way are not sent: each says how many dots the principle is to have, from the view on screen. */
  var tapping = false;
  function bindDots() {
    var form = doc.getElementById("dots-form");
    if (!form) { return; }
    var buttons = form.getElementsByTagName("button");
    for (var i = 0; i < buttons.length; i++) { buttons[i].addEventListener("click", tap); }
  }

  function tap(event) {
    event.preventDefault();
    var button = event.currentTarget, value = button.value, cut = value.lastIndexOf(":");
    if (tapping || cut < 0) { return; }
    tapping = true;
    var number = button.id.replace(/^\D+/, "");
    request("POST", "/api/dots", {principle: value.slice(0, cut), dots: parseInt(value.slice(cut + 1), 10)},
      function (code, body) {
        if (code === 200) {
          refreshDots(button.id, number);
          return;
        }
        tapping = false;
        failed(code, body, "tap");
      });
  }

  function textOf(id) {
    var el = doc.getElementById(id);
    return el ? (el.textContent || "").replace(/\s+/g, " ").replace(/^\s|\s$/g, "") : "";
  }

  function refreshDots(id, number) {
    request("GET", "/", null, function (code, ignore, text) {
      tapping = false;
      var part = code === 200 ? viewPart(text) : "";
      if (part.indexOf('id="dots-form"') < 0) { show(part); return; }  /* the round closed meanwhile */
      view.innerHTML = part;
      bindDots();
      var again = doc.getElementById(id);
      if (!again || again.disabled) { again = doc.getElementById("add-" + number); }
      if (again) { again.focus(); }
      say("Saved: " + textOf("c-" + number) + " on principle " + number + ". " + textOf("dots-left") + ".", "ok");
    });
  }

  function keyOf(root) {
    var section = root.querySelector("[data-key]");
    return section ? section.getAttribute("data-key") : "";
  }

  /* A new view from the server. The same view again changes nothing, so an unsent choice stays. */
  function show(html) {
    var holder = doc.createElement("div");
    holder.innerHTML = html;
    var before = keyOf(view), after = keyOf(holder);
    if (!after || after === before) { return; }
    view.innerHTML = html;
    bindVote();
    bindComment();
    bindDots();
    var section = view.querySelector("[data-key]");
    var samePrinciple = before.split(":")[0] === after.split(":")[0];
    /* Focus goes where the news is, so a screen reader reads it and a keyboard starts from there:
       the results after a reveal, otherwise the new statement. */
    var target = (samePrinciple && doc.getElementById(section.getAttribute("data-focus") || "")) ||
      doc.getElementById("statement");
    if (!samePrinciple && window.scrollTo) { window.scrollTo(0, 0); }
    if (target) { target.focus(); }
    say(section.getAttribute("data-announce") || "", "quiet");
  }

  function viewPart(text) {
    var start = text.indexOf("<!--view-->"), end = text.indexOf("<!--/view-->");
    return start < 0 || end < 0 ? "" : text.slice(start + 11, end);
  }

  var version = null, polling = false;
  function poll() {
    polling = true;
    request("GET", "/api/state", null, function (code, state) {
      if (code === 401) { window.location.href = "/"; return; }
      if (state && state.version !== version) {
        version = state.version;
        request("GET", "/", null, function (pageCode, ignore, text) {
          if (pageCode === 200) { show(viewPart(text)); }
        });
      }
      /* Jitter: a reveal must not make every phone ask at the same instant. */
      setTimeout(poll, 2000 + Math.random() * 1500);
    });
  }

  function follow() {
    if (!window.EventSource) { poll(); return; }
    var source = new EventSource("/api/events");
    var lost = false;
    source.onmessage = function (event) {
      var data;
      try { data = JSON.parse(event.data); } catch (ignore) { return; }
      if (lost) { lost = false; say("Connected to the laptop again.", ""); }
      show(data.html);
    };
    source.onerror = function () {
      /* Say so when the laptop is gone: the page would otherwise look current when it is not. */
      if (!lost) { lost = true; say("Lost the connection to the laptop; trying again…", "error"); }
      /* A refused stream (too many phones, or no longer joined) does not retry by itself. */
      if (source.readyState === 2 && !polling) { setTimeout(poll, Math.random() * 3000); }
    };
  }

  bindVote();
  bindComment();
  bindDots();
  if (!doc.getElementById("join-form")) { follow(); }
}());
