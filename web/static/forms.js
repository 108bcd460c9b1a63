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
