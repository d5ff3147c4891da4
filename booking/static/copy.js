/* Copy buttons beside read-only fields (hidden without JavaScript, where the field's
   text can be selected and copied as usual).  A click selects the text, copies it and
   says so to screen readers. */
(function () {
  "use strict";
  var status = document.getElementById("copy-status");
  var buttons = document.querySelectorAll(".copy-button");
  Array.prototype.forEach.call(buttons, function (button) {
    var field = document.getElementById(button.getAttribute("data-copy"));
    if (!field) { return; }
    button.hidden = false;
    field.addEventListener("focus", function () { field.select(); });
    button.addEventListener("click", function () {
      field.select();
      var done = function () {
        if (status) { status.textContent = button.getAttribute("data-copied"); }
      };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(field.value).then(done, function () {
          if (document.execCommand("copy")) { done(); }
        });
      } else if (document.execCommand("copy")) {
        done();
      }
    });
  });
}());
