/* Destructive actions: a link with data-confirm opens the native <dialog> instead of the confirmation
   page; its form posts the action (the same POST the page's form sends). Without JS the link works. */
(function () {
  "use strict";
  var dialog = document.getElementById("confirm-dialog");
  if (!dialog || typeof dialog.showModal !== "function") { return; }
  var form = dialog.querySelector("form");
  var opener = null;

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[data-confirm]") : null;
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey) { return; }
    event.preventDefault();
    opener = link;
    form.action = link.dataset.confirmAction;
    document.getElementById("confirm-dialog-q").textContent = link.dataset.confirm;
    document.getElementById("confirm-dialog-ok").textContent = link.dataset.confirmLabel;
    dialog.showModal();
  });
  document.getElementById("confirm-dialog-cancel").addEventListener("click", function () { dialog.close(); });
  dialog.addEventListener("close", function () { if (opener) { opener.focus(); opener = null; } });
})();
