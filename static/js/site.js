/* Behaviour every page shares, kept out of the HTML so that the Content-Security-Policy can forbid inline
 * scripts and handlers (issue 7, finding 14):
 *   <select data-autosubmit> submits its form when changed (the language switcher);
 *   <button data-confirm="question"> asks before its form is submitted.
 */
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.matches && el.matches("select[data-autosubmit]") && el.form) el.form.submit();
  });
  document.addEventListener("click", function (event) {
    var el = event.target.closest ? event.target.closest("[data-confirm]") : null;
    if (el && !window.confirm(el.dataset.confirm)) event.preventDefault();
  });
})();
