// Builds static/vendor/ (git-ignored) from node_modules: the portal's stylesheet (GOV.UK Frontend compiled with the
// portal's own font and branding), the scripts, and the Noto fonts for Latin, Thai and Burmese. Run by `npm run build`.
import fs from "node:fs";
import path from "node:path";
import * as sass from "sass";

const OUT = "static/vendor";
const FONT_FAMILIES = ["noto-sans", "noto-sans-thai", "noto-sans-myanmar"];
const FONT_FILE = /-(400|700)-normal\.woff2?$/;
const SCRIPTS = {
  "govuk-frontend.min.js": "node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js",
  "htmx.min.js": "node_modules/htmx.org/dist/htmx.min.js",
};

fs.rmSync(OUT, { recursive: true, force: true });
fs.mkdirSync(path.join(OUT, "files"), { recursive: true });

const { css } = sass.compile("static/portal.scss", {
  loadPaths: ["node_modules"],
  style: "compressed",
  quietDeps: true,
  silenceDeprecations: ["import", "global-builtin", "color-functions", "slash-div"],
});
fs.writeFileSync(path.join(OUT, "portal.css"), css);

for (const family of FONT_FAMILIES) {
  const files = path.join("node_modules/@fontsource", family, "files");
  for (const name of fs.readdirSync(files).filter((name) => FONT_FILE.test(name))) {
    fs.copyFileSync(path.join(files, name), path.join(OUT, "files", name));
  }
}
for (const [name, source] of Object.entries(SCRIPTS)) {
  fs.copyFileSync(source, path.join(OUT, name));
}
console.log(`portal assets built in ${OUT}`);
