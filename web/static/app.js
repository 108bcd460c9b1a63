// Our own small script: htmx sends the CSRF token on every request (the page sets it in
// hx-headers too); errors answered with 4xx are swapped in so the user sees the reason.
document.addEventListener("htmx:beforeSwap", function (evt) {
  var status = evt.detail.xhr.status;
  if (status >= 400 && status < 500) {
    evt.detail.shouldSwap = true;
    evt.detail.isError = false;
  }
});
