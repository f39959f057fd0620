// Progressive enhancement: the pages work without it. GOV.UK Frontend's components start once the body says
// scripts run (the class its stylesheet waits for), from this file, as the Content-Security-Policy allows no inline script.
import { initAll } from "./vendor/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
