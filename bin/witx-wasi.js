#!/usr/bin/env node
// The installed `witx-wasi` command: the CLI bundled into dist/ by `npm run build`.
import "../dist/bundle/cli.js";
