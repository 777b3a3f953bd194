// Editors: ask before leaving a page whose typed text was not saved yet. Forms marked
// data-warn-unsaved save without this file; it only adds the browser's own warning.
(function () {
  "use strict";
  var forms = document.querySelectorAll("form[data-warn-unsaved]");
  if (!forms.length || !window.addEventListener) {
    return;
  }
  var changed = [];
  function watched(element) {
    var form = element && element.form;
    return form && form.hasAttribute("data-warn-unsaved") ? form : null;
  }
  function markChanged(event) {
    var form = watched(event.target);
    if (form && changed.indexOf(form) < 0) {
      changed.push(form);
    }
  }
  Array.prototype.forEach.call(forms, function (form) {
    // A page shown again after a refusal holds text that is not saved yet.
    if (form.hasAttribute("data-unsaved")) {
      changed.push(form);
    }
    form.addEventListener("submit", function () {
      changed = changed.filter(function (each) { return each !== form; });
    });
  });
  // Fields may sit outside their form (form="…"), so listen on the whole page.
  document.addEventListener("input", markChanged);
  document.addEventListener("change", markChanged);
  window.addEventListener("beforeunload", function (event) {
    if (changed.length) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
})();
