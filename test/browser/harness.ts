/**
 * What the browser tests run on: Debian's Chromium (/usr/bin/chromium, which
 * .ci/run installs when missing) driven headless by playwright-core, and a
 * static server on 127.0.0.1 serving pages, repository files and page scripts
 * bundled by esbuild from the sources ("witx-wasi/portable" resolved to
 * src/portable.ts).
 *
 * Every URL starts with the page's mode: /isolated/... is served with the
 * COOP/COEP headers that make a page cross-origin isolated (SharedArrayBuffer,
 * shared memory, the worker runner), /plain/... without them.
 *
 * A missing Chromium fails the tests; WITX_WASI_SKIP_BROWSER=1 skips them
 * instead, for a local machine without a browser.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";
import { chromium, type BrowserContext } from "playwright-core";

export const root = fileURLToPath(new URL("../..", import.meta.url));
const chromiumPath = "/usr/bin/chromium";

/** Whether the browser tests are skipped (only when asked to, never because Chromium is missing). */
export const skipBrowser = process.env.WITX_WASI_SKIP_BROWSER === "1";

const types: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".wasm": "application/wasm",
  ".txt": "text/plain; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".png": "image/png",
};

/** A folder of the repository served under a URL prefix, with page scripts bundled from .ts entries. */
export interface Site {
  /** URL path after the mode, e.g. "pages". */
  readonly prefix: string;
  /** The repository folder whose files it serves. */
  readonly dir: string;
  /** Bundle name (served as `<prefix>/<name>.js`) → entry file, relative to the repository. */
  readonly bundles: Record<string, string>;
}

async function bundle(entries: Record<string, string>): Promise<Map<string, string>> {
  const portable = join(root, "src/portable.ts");
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: entries,
    outdir: "out",
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "chrome120",
    write: false,
    logLevel: "silent",
    alias: { "witx-wasi/portable": portable, "witx-wasi/core": portable },
  });
  return new Map(result.outputFiles.map((file) => [file.path.slice(file.path.lastIndexOf(sep) + 1), file.text]));
}

export interface TestServer {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  close(): Promise<void>;
}

/** Serves `sites` (plus the repository's test/ and examples/ files under /<mode>/files/) until closed. */
export async function startServer(sites: readonly Site[]): Promise<TestServer> {
  const bundled = new Map<string, Map<string, string>>();
  for (const site of sites) bundled.set(site.prefix, await bundle(site.bundles));
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    const [, mode, prefix, ...rest] = url.pathname.split("/");
    const headers: Record<string, string> = { "Cache-Control": "no-store" };
    if (mode === "isolated") {
      headers["Cross-Origin-Opener-Policy"] = "same-origin";
      headers["Cross-Origin-Embedder-Policy"] = "require-corp";
    }
    const send = (status: number, body: string | Buffer, type: string) => {
      response.writeHead(status, { ...headers, "Content-Type": type });
      response.end(body);
    };
    if (mode !== "isolated" && mode !== "plain") return send(404, "unknown mode", types[".txt"]);
    const name = rest.join("/");
    const script = bundled.get(prefix)?.get(name);
    if (script !== undefined) return send(200, script, types[".js"]);
    const site = sites.find((candidate) => candidate.prefix === prefix);
    const dir = site?.dir ?? (prefix === "files" ? "." : null);
    const relative = normalize(name);
    if (dir === null || relative.startsWith("..") || (site === undefined && !/^(test|examples)\//.test(relative)))
      return send(404, "not found", types[".txt"]);
    const path = join(root, dir, relative);
    if (!existsSync(path)) return send(404, `not found: ${name}`, types[".txt"]);
    send(200, readFileSync(path), types[extname(path)] ?? "application/octet-stream");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("the test server has no port");
  return {
    origin: `http://127.0.0.1:${address.port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export interface TestBrowser {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

/** Starts headless Chromium with a fresh profile; fails, naming the fix, when it is not installed. */
export async function launchBrowser(executable = chromiumPath): Promise<TestBrowser> {
  if (!existsSync(executable)) {
    throw new Error(
      `Chromium is missing (${executable}): install it with "apt-get install -y chromium" (.ci/run does so), ` +
        "or set WITX_WASI_SKIP_BROWSER=1 to skip the browser tests on this machine",
    );
  }
  const profile = mkdtempSync(join(tmpdir(), "witx-wasi-chromium-"));
  // Without the background-networking flags Chromium keeps calling home, which a closed network refuses.
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: executable,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
    viewport: { width: 900, height: 640 },
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
