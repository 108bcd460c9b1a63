// The create form's unit checklist: a filter box (shown when the list is long) hides the units
// whose name does not contain what is typed; ticked units stay visible.
document.addEventListener("input", function (evt) {
  var box = evt.target;
  if (!box.classList || !box.classList.contains("unit-filter")) return;
  var list = document.getElementById(box.getAttribute("aria-controls"));
  if (!list) return;
  var wanted = box.value.trim().toLowerCase();
  list.querySelectorAll("li").forEach(function (li) {
    var ticked = li.querySelector("input").checked;
    li.hidden = !(ticked || wanted === "" || li.textContent.toLowerCase().indexOf(wanted) >= 0);
  });
});

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
