// Lets Node import the files wrangler.toml bundles as Text modules ([[rules]] type "Text"), as the
// Worker sees them: a default export holding the file's text. Used by scripts that import the app.
import { register } from "node:module";

register("./text-modules-hooks.mjs", import.meta.url);
