// A recurring item with a due day needs no due date (each period's item is due on that day of
// the following month): the browser stops asking for one; the server checks the same.
function dueNeeded() {
  var every = document.getElementById("new-every");
  var day = document.getElementById("new-due_day");
  var due = document.getElementById("new-due");
  if (!every || !day || !due) return;
  due.required = !(every.value && day.value.trim());
}
document.addEventListener("input", function (evt) {
  if (evt.target.id === "new-every" || evt.target.id === "new-due_day") dueNeeded();
});
document.addEventListener("change", function (evt) {
  if (evt.target.id === "new-every" || evt.target.id === "new-due_day") dueNeeded();
});
document.addEventListener("DOMContentLoaded", dueNeeded);
