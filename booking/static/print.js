/* Print buttons on the print views (hidden without JavaScript; the browser's own
   print command works there). */
(function () {
  "use strict";
  var buttons = document.querySelectorAll(".print-button");
  Array.prototype.forEach.call(buttons, function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
}());
