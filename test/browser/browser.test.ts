/**
 * witx-wasi in a real browser: Debian's Chromium, headless, loads test pages
 * (test/browser/pages) that run C guests with the portable entry point, on the
 * page with createWasi (or the WASI class) or in a Web Worker with runInWebWorker, and the
 * tests read what the page shows. See harness.ts for the server and browser.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { launchBrowser, skipBrowser, startServer, type TestBrowser, type TestServer } from "./harness.js";

let server: TestServer;
let browser: TestBrowser;

type Mode = "isolated" | "plain";

/** Opens the scenario page with `query` and waits until it shows how the run ended. */
async function openScenario(query: Record<string, string>, mode: Mode = "isolated"): Promise<Page> {
  const page = await browser.context.newPage();
  page.on("pageerror", (error) => console.error(`page error: ${error.message}`));
  await page.goto(`${server.origin}/${mode}/pages/scenario.html?${new URLSearchParams(query)}`);
  return page;
}

async function ended(page: Page): Promise<string> {
  await page.waitForSelector("#status[data-done]", { timeout: 15_000 });
  return page.textContent("#status") as Promise<string>;
}

async function shown(page: Page, id: string): Promise<string> {
  return (await page.textContent(`#${id}`)) ?? "";
}

describe("the browser tests' harness", () => {
  it("fails, naming the fix, when Chromium is not installed (CI must not pass without a browser)", async () => {
    await expect(launchBrowser("/nonexistent/chromium")).rejects.toThrow(
      'Chromium is missing (/nonexistent/chromium): install it with "apt-get install -y chromium" (.ci/run does so), or set WITX_WASI_SKIP_BROWSER=1',
    );
  });
});

// A page load, a guest run and Chromium's answers take well under a second here; the margin is for a loaded CI machine.
describe.skipIf(skipBrowser)("in Chromium", { timeout: 30_000 }, () => {
  beforeAll(async () => {
    server = await startServer([
      {
        prefix: "pages",
        dir: "test/browser/pages",
        bundles: {
          scenarios: "test/browser/pages/scenarios.ts",
          "guest-worker": "test/browser/pages/guest-worker.ts",
          "opfs-worker": "test/browser/pages/opfs-worker.ts",
        },
      },
    ]);
    browser = await launchBrowser();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it.each([
    ["createWasi", "page"],
    ["the WASI class", "page-class"],
  ])(
    "runs a C program on the page with %s: output in a DOM element, a file in an in-memory /home, a fetched /data/motd.txt, its exit code",
    async (_api, runner) => {
      const page = await openScenario(
        { guest: "examples/browser/journal.wasm", runner, journal: "1", stdin: "one\ntwo\nexit 3\n" },
        "plain",
      );
      expect(await ended(page)).toBe("exit code 3");
      expect(await shown(page, "stdout")).toBe(
        "Welcome to the witx-wasi journal (this line is /data/motd.txt, fetched by the page).\n" +
          "journal: 0 entries so far\n> #1 one\n> #2 two\n> exiting with 3\n",
      );
      expect(await shown(page, "files")).toBe("journal.txt: one\ntwo\n");
      expect(await page.evaluate(() => globalThis.crossOriginIsolated)).toBe(false);
      await page.close();
    },
  );

  it("runs the same program in a Web Worker on an isolated page, with the same output and files", async () => {
    const page = await openScenario({ guest: "examples/browser/journal.wasm", runner: "worker", journal: "1", stdin: "one\ntwo\n" });
    expect(await ended(page)).toBe("exit code 0");
    expect(await shown(page, "stdout")).toContain("journal: 0 entries so far\n> #1 one\n> #2 two\n> \nsaved 2 new entries\n");
    expect(await shown(page, "files")).toBe("journal.txt: one\ntwo\n");
    await page.close();
  });

  it("takes interactive stdin in the worker: each typed line is answered while the page stays live", async () => {
    const page = await openScenario({ guest: "test/worker/bin/line_echo.wasm", runner: "worker", stdin: "typed" });
    await page.waitForFunction(() => document.getElementById("stdout")?.textContent === "> ");
    await page.fill("#stdin", "hello from the keyboard");
    await page.press("#stdin", "Enter");
    await page.waitForFunction(() => document.getElementById("stdout")?.textContent?.endsWith("1: hello from the keyboard\n> "));
    await page.fill("#stdin", "second line");
    await page.press("#stdin", "Enter");
    await page.waitForFunction(() => document.getElementById("stdout")?.textContent?.endsWith("2: second line\n> "));
    await page.click("#end-input");
    expect(await ended(page)).toBe("exit code 0");
    expect(await shown(page, "stdout")).toBe("> 1: hello from the keyboard\n> 2: second line\n> bye\n");
    await page.close();
  });

  it("keeps a guest's files in the Origin Private File System across a reload", async () => {
    const folder = `journal-${Date.now()}`;
    const page = await openScenario({ guest: "examples/browser/journal.wasm", runner: "opfs", folder, stdin: "an entry\n" });
    expect(await ended(page)).toBe("exit code 0");
    expect(await shown(page, "stdout")).toContain("journal: 0 entries so far\n> #1 an entry\n");
    await page.reload();
    expect(await ended(page)).toBe("exit code 0");
    expect(await shown(page, "stdout")).toContain("journal: 1 entries so far\n> #2 an entry\n");
    expect(await shown(page, "files")).toBe("journal.txt: an entry\nan entry\n");
    await page.close();
  });

  describe("bad input: one clear error in the page, and the page stays usable", () => {
    async function errorShown(query: Record<string, string>, mode: Mode = "isolated"): Promise<string> {
      const page = await openScenario(query, mode);
      const text = await ended(page);
      // The tab is not hung: it still runs script.
      expect(await page.evaluate(() => 6 * 7)).toBe(42);
      await page.close();
      return text;
    }

    it("a module that is not wasm (page: the browser's own CompileError)", async () => {
      expect(await errorShown({ guest: "not-wasm", runner: "page" })).toMatch(
        /^error: CompileError: WebAssembly.compile\(\): expected magic word 00 61 73 6d/,
      );
    });

    it("a module that is not wasm (worker)", async () => {
      expect(await errorShown({ guest: "not-wasm", runner: "worker" })).toBe(
        "error: CompileError: worker runner: not a WebAssembly module",
      );
    });

    it("a missing import (page: the browser's own error, naming the import)", async () => {
      expect(await errorShown({ guest: "missing-import", runner: "page" })).toBe(
        'error: TypeError: WebAssembly.instantiate(): Import #0 "env": module is not an object or function',
      );
    });

    it("a missing import (worker: refused before a worker starts, naming the import)", async () => {
      expect(await errorShown({ guest: "missing-import", runner: "worker" })).toBe(
        'error: LinkError: the module imports "env" "missing" (a function), which the WASI host does not provide: it gives the functions of "wasi_snapshot_preview1" and the memory',
      );
    });

    for (const runner of ["page", "worker"]) {
      it(`a trap (${runner})`, async () => {
        expect(await errorShown({ guest: "test/worker/bin/faults.wasm", runner, args: "trap" })).toBe("error: RuntimeError: unreachable");
      });
    }

    it("a guest that never ends is stopped from the page (its stop button aborts the run)", async () => {
      const page = await openScenario({ guest: "test/worker/bin/spin.wasm", runner: "worker" });
      await page.waitForFunction(() => document.getElementById("stdout")?.textContent === "spinning\n");
      await page.click("#stop");
      expect(await ended(page)).toBe("error: GuestStopped: the guest was stopped: the signal was aborted");
      await page.close();
    });

    it("a guest that never ends is stopped by its timeout", async () => {
      expect(await errorShown({ guest: "test/worker/bin/spin.wasm", runner: "worker", timeout: "300" })).toBe(
        "error: GuestStopped: the guest was stopped after its 300 ms timeout",
      );
    });

    it("a guest worker script that does not load", async () => {
      expect(await errorShown({ guest: "test/worker/bin/line_echo.wasm", runner: "worker", worker: "no-such-worker.js" })).toBe(
        "error: GuestWorkerDied: the guest's worker failed: its script could not be loaded or run",
      );
    });

    it("an OPFS directory loaded on the page instead of in a worker", async () => {
      expect(await errorShown({ runner: "opfs-on-page" })).toBe(
        "error: Error: OPFS directory: a-file.txt can be read and written only in a dedicated Web Worker (synchronous access handles exist only there)",
      );
    });

    it("a page without cross-origin isolation asking for the worker runner", async () => {
      expect(await errorShown({ guest: "test/worker/bin/line_echo.wasm", runner: "worker", stdin: "x\n" }, "plain")).toMatch(
        /^error: Error: runInWebWorker needs a cross-origin isolated page.*Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp/,
      );
    });
  });
});
