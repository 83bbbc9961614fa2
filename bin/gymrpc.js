#!/usr/bin/env node
// Entry point of the `gymrpc` command; the TypeScript sources are compiled to dist/ by `npm install`.
import("../dist/server/cli.js").then(
  (cli) => cli.main(process.argv),
  (err) => {
    if (err && err.code === "ERR_MODULE_NOT_FOUND") {
      console.error(
        "gymrpc is not built: run `npm install` (or `npm run build`) in the gymrpc checkout first.",
      );
    } else {
      console.error(err);
    }
    process.exit(1);
  },
);
