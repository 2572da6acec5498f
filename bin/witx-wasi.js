#!/usr/bin/env node
// The installed `witx-wasi` command: the CLI compiled to dist/ by `npm run build`.
import "../dist/src/cli/main.js";
