// Serves the browser demo: bundles demo.ts and guest-worker.ts with esbuild (from
// this repository's sources) and serves examples/browser/ with the headers that make
// the page cross-origin isolated, which the worker runner's shared memory needs.
//   node examples/browser/serve.mjs [port]    then open http://127.0.0.1:8080/
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { extname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const here = fileURLToPath(new URL(".", import.meta.url));
const portable = join(here, "../../src/portable.ts");
const port = Number(process.argv[2] ?? 8080);

const bundled = await build({
  entryPoints: { demo: join(here, "demo.ts"), "guest-worker": join(here, "guest-worker.ts") },
  outdir: "/",
  bundle: true,
  format: "esm",
  platform: "browser",
  write: false,
  alias: { "witx-wasi/portable": portable },
});
const scripts = new Map(bundled.outputFiles.map((file) => [file.path.slice(1), file.text]));
const files = new Set(["index.html", "journal.wasm", "motd.txt"]);
const types = { ".html": "text/html; charset=utf-8", ".wasm": "application/wasm", ".txt": "text/plain; charset=utf-8" };

createServer((request, response) => {
  const name = new URL(request.url ?? "/", "http://localhost").pathname.slice(1) || "index.html";
  const headers = { "Cross-Origin-Opener-Policy": "same-origin", "Cross-Origin-Embedder-Policy": "require-corp" };
  if (scripts.has(name)) {
    response.writeHead(200, { ...headers, "Content-Type": "text/javascript; charset=utf-8" });
    response.end(scripts.get(name));
  } else if (files.has(name)) {
    response.writeHead(200, { ...headers, "Content-Type": types[extname(name)] });
    response.end(readFileSync(join(here, name)));
  } else {
    response.writeHead(404, headers);
    response.end("not found");
  }
}).listen(port, "127.0.0.1", () => console.log(`the demo is at http://127.0.0.1:${port}/`));
