// Loaded first thing in <body> (not deferred), so GOV.UK Frontend's JavaScript-only styles apply
// before the page is drawn. An external file rather than GOV.UK Frontend's suggested inline
// snippet, so the Content-Security-Policy can refuse every inline script.
document.body.className +=
  " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
