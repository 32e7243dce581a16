// Starts every GOV.UK Frontend component on the page. Loaded as a module, so browsers too old
// for GOV.UK Frontend skip it and the page works without JavaScript.
import { initAll } from "./govuk-frontend.min.js";

initAll();
