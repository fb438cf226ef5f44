// Behaviour every page shares, kept out of the markup so the Content-Security-Policy can
// forbid inline scripts and handlers.
// A form marked data-autosubmit sends itself when one of its selects changes (the language
// picker); without JavaScript its <noscript> button does the same.
document.querySelectorAll("form[data-autosubmit] select").forEach(function (select) {
  select.addEventListener("change", function () { select.form.submit(); });
});
