// The tip-off form: picking an institution from the search results fills the hidden id.
document.addEventListener("click", function (event) {
  var item = event.target.closest("[data-institution-id]");
  if (!item) return;
  document.getElementById("id_institution").value = item.dataset.institutionId;
  document.getElementById("id_institution_name").value = item.dataset.name;
  document.getElementById("id_institution_address").value = item.dataset.address;
  document.getElementById("institution-picked").textContent = item.dataset.picked;
  document.getElementById("institution-results").innerHTML = "";
});
document.getElementById("id_institution_name").addEventListener("input", function () {
  document.getElementById("id_institution").value = "";
  document.getElementById("institution-picked").textContent = "";
});
// After a refused attempt, the error summary takes the focus so it is read first.
(function () {
  var summary = document.getElementById("error-summary");
  if (summary) summary.focus();
})();
