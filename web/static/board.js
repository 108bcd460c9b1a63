// Drag and drop on the board, on the browser's own drag events. Dropping a card on another
// column posts the move through htmx with the version the card was rendered from; the server
// answers with the whole board, so a refused move simply snaps back with the reason shown.
(function () {
  "use strict";
  if (window.trackerBoard) { return; }  // a swapped-in page may run this file again
  window.trackerBoard = true;
  var dragged = null;

  function dropZone(el) {  // the whole column takes a drop, however few cards it holds
    var column = el && el.closest ? el.closest(".column") : null;
    return column ? column.querySelector(".cards[data-drop]") : null;
  }

  function clearTargets() {
    document.querySelectorAll(".cards.drop-target").forEach(function (el) {
      el.classList.remove("drop-target");
    });
  }

  document.addEventListener("dragstart", function (evt) {
    var card = evt.target.closest ? evt.target.closest(".card[data-move-url]") : null;
    if (!card) { return; }
    dragged = card;
    evt.dataTransfer.effectAllowed = "move";
    evt.dataTransfer.setData("text/plain", card.id);
    card.classList.add("dragging");
  });

  document.addEventListener("dragend", function () {
    if (dragged) { dragged.classList.remove("dragging"); }
    dragged = null;
    clearTargets();
  });

  document.addEventListener("dragover", function (evt) {
    var zone = dropZone(evt.target);
    if (!zone || !dragged) { return; }
    evt.preventDefault();
    evt.dataTransfer.dropEffect = "move";
    if (!zone.classList.contains("drop-target")) {
      clearTargets();
      zone.classList.add("drop-target");
    }
  });

  document.addEventListener("drop", function (evt) {
    var zone = dropZone(evt.target);
    if (!zone || !dragged) { return; }
    evt.preventDefault();
    var card = dragged;
    dragged = null;
    clearTargets();
    if (zone.dataset.status === card.dataset.status) { return; }
    var origin = { parent: card.parentNode, next: card.nextSibling };
    zone.insertBefore(card, zone.firstChild);  // feels immediate; the server's answer decides
    card.classList.add("pending");
    htmx.ajax("POST", card.dataset.moveUrl, {
      source: card,
      target: "#board",
      swap: "outerHTML",
      values: { to: zone.dataset.status, expected_version: card.dataset.version }
    }).then(function () {
      // The board was not swapped (server or network error): put the card back and say so.
      if (document.body.contains(card)) { snapBack(card, origin); }
    }, function () { snapBack(card, origin); });
  });

  function snapBack(card, origin) {  // the reason goes right below the card, where the eye is
    card.classList.remove("pending");
    origin.parent.insertBefore(card, origin.next);
    var board = document.getElementById("board");
    var next = card.nextElementSibling;
    if (board && !(next && next.classList.contains("move-failed"))) {
      var note = document.createElement("p");
      note.className = "error-box move-failed";
      note.setAttribute("role", "alert");
      note.textContent = board.dataset.moveFailed || "";
      card.parentNode.insertBefore(note, card.nextSibling);
    }
  }
})();
// The phone shows one column at a time: the tabs choose it, and the choice survives the board
// being swapped after a move or a filter change.
(function () {
  "use strict";
  var chosen = null;

  function apply() {
    var board = document.getElementById("board");
    if (!board) { return; }
    var tabs = board.querySelectorAll(".column-tab");
    var wanted = chosen && board.querySelector('.column-tab[data-tab="' + chosen + '"]') ? chosen : board.dataset.tab;
    board.dataset.tab = wanted;
    tabs.forEach(function (tab) {
      tab.setAttribute("aria-selected", tab.dataset.tab === wanted ? "true" : "false");
    });
  }

  document.addEventListener("click", function (evt) {
    var tab = evt.target.closest ? evt.target.closest(".column-tab") : null;
    if (!tab) { return; }
    chosen = tab.dataset.tab;
    apply();
  });
  document.addEventListener("htmx:afterSettle", apply);
  document.addEventListener("DOMContentLoaded", apply);
})();
// Keyboard moves keep the focus on the moved card: the board is swapped after each move, so
// the control that was used (or else the card) is focused again in the new board. A form the
// move needs, or a conflict, takes the focus instead.
(function () {
  "use strict";
  if (window.trackerBoardFocus) { return; }
  window.trackerBoardFocus = true;
  document.addEventListener("htmx:beforeRequest", function (evt) {
    var form = evt.detail.elt;
    if (form && form.dataset && form.dataset.card) {  // remember which control was used
      form.dataset.focused = (document.activeElement && document.activeElement.id) || "";
    }
  });

  document.addEventListener("htmx:afterSettle", function (evt) {
    var config = evt.detail.requestConfig;
    var form = config && config.elt;  // the move's form (or dragged card), now swapped out
    var dragged = form && form.classList && form.classList.contains("card");
    if (!form || !form.dataset || !(form.dataset.card || dragged)) { return; }
    var wanted = { card: dragged ? form.id : form.dataset.card, control: form.dataset.focused };
    var card = document.getElementById(wanted.card);
    var answer = card && card.nextElementSibling && card.nextElementSibling.classList.contains("card-answer")
      ? card.nextElementSibling : null;
    var target = null;
    if (answer) {  // a form the move needs takes the focus; a refusal is announced as an alert
      target = answer.querySelector(".board-dialog textarea, .board-dialog input:not([type=hidden])");
    }
    if (!target && dragged) { return; }  // a mouse move that needs nothing more: no focus ring
    if (!target && card) {
      target = (wanted.control && card.querySelector("#" + CSS.escape(wanted.control))) ||
        card.querySelector(".move-form select") || card;
    }
    if (!target) { target = document.getElementById("board"); }
    if (!target) { return; }
    if (!target.matches("a, button, input, select, textarea")) { target.setAttribute("tabindex", "-1"); }
    target.focus({ preventScroll: true });
    var conflict = answer && answer.querySelector("[data-conflict]");
    if (conflict) { conflict.scrollIntoView({ block: "start" }); }  // what changed, read first
    else { target.scrollIntoView({ block: "nearest" }); }
  });
})();
// Back and Forward show the board of the address they land on, fresh from the server, so every
// filter control reads what the address says. htmx keeps no snapshot of this page: a snapshot
// would bring back stale cards and controls reset to their first values.
(function () {
  "use strict";
  if (window.trackerBoardHistory) { return; }
  window.trackerBoardHistory = true;
  var shown = location.pathname + location.search;

  document.addEventListener("DOMContentLoaded", function () {
    htmx.config.historyCacheSize = 0;
    htmx.config.refreshOnHistoryMiss = true;
  });
  ["htmx:pushedIntoHistory", "htmx:replacedInHistory"].forEach(function (name) {
    document.addEventListener(name, function () { shown = location.pathname + location.search; });
  });
  window.addEventListener("popstate", function () {
    if (location.pathname + location.search !== shown) { window.location.reload(); }
  });

  // Typing in the search box asks as you type (its own hx-trigger); leaving the box must not
  // ask the same again through the filter form's "change".
  document.addEventListener("change", function (evt) {
    if (evt.target && evt.target.id === "flt-q") { evt.stopPropagation(); }
  }, true);
})();
// Lanes fold away with their title's button; which lanes are folded is kept in this browser's
// storage per account, plan and kind of lane, so it survives a reload and the next visit.
(function () {
  "use strict";
  if (window.trackerBoardLanes) { return; }
  window.trackerBoardLanes = true;

  function storeKey(board) { return "tracker.board.folded:" + board.dataset.lanesKey; }

  function folded(board) {
    try {
      var list = JSON.parse(localStorage.getItem(storeKey(board)) || "[]");
      return Array.isArray(list) ? list : [];
    } catch (e) { return []; }
  }

  function show(button, open) {
    button.setAttribute("aria-expanded", open ? "true" : "false");
    button.closest(".lane").classList.toggle("folded", !open);
  }

  function apply() {
    var board = document.getElementById("board");
    if (!board || !board.dataset.lanesKey) { return; }
    var list = folded(board);
    board.querySelectorAll(".lane-toggle[data-lane]").forEach(function (button) {
      show(button, list.indexOf(button.dataset.lane) < 0);
    });
  }

  document.addEventListener("click", function (evt) {
    var hit = evt.target.closest ? evt.target.closest(".lane-toggle, .lane-title") : null;
    var button = hit && hit.closest(".lane").querySelector(".lane-toggle");  // the title folds too
    var board = document.getElementById("board");
    if (!button || !board) { return; }
    var open = button.getAttribute("aria-expanded") !== "true";
    show(button, open);
    var list = folded(board).filter(function (key) { return key !== button.dataset.lane; });
    if (!open) { list.push(button.dataset.lane); }
    try { localStorage.setItem(storeKey(board), JSON.stringify(list)); } catch (e) { /* private mode: folds for now only */ }
  });
  document.addEventListener("htmx:afterSettle", apply);
  document.addEventListener("DOMContentLoaded", apply);
})();
