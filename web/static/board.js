// Drag and drop on the board, on the browser's own drag events. Dropping a card on another
// column posts the move through htmx with the version the card was rendered from; the server
// answers with the whole board, so a refused move simply snaps back with the reason shown.
(function () {
  "use strict";
  var dragged = null;

  function dropZone(el) {
    return el && el.closest ? el.closest(".cards[data-drop]") : null;
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

  function snapBack(card, origin) {
    card.classList.remove("pending");
    origin.parent.insertBefore(card, origin.next);
    var board = document.getElementById("board");
    if (board && !board.querySelector(".move-failed")) {
      var note = document.createElement("p");
      note.className = "error-box move-failed";
      note.setAttribute("role", "alert");
      note.textContent = board.dataset.moveFailed || "";
      board.insertBefore(note, board.firstChild);
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
