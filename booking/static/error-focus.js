/* After a refused form, the error summary takes the focus, so that a screen reader
   reads it first and the keyboard starts from its links to the fields.  The
   summary's autofocus does this without JavaScript; this covers a page shown
   again from the browser's history, where autofocus does not apply. */
(function () {
  "use strict";
  var summary = document.getElementById("error-summary");
  if (summary && document.activeElement !== summary) {
    summary.focus();
  }
}());
