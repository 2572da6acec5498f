/**
 * The browser demo (examples/browser/) in Chromium: a person's session, typed
 * into the page — two lines, then Ctrl-D — and what the terminal and the file
 * list show. It saves a screenshot to test/.scratch/browser-demo.png; with
 * WITX_WASI_UPDATE_SCREENSHOT=1 it also replaces docs/browser-demo.png, the
 * README's picture.
 */
import { copyFileSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, root, skipBrowser, startServer, type TestBrowser, type TestServer } from "./harness.js";

let server: TestServer;
let browser: TestBrowser;

describe.skipIf(skipBrowser)("the browser demo in Chromium", { timeout: 30_000 }, () => {
  beforeAll(async () => {
    server = await startServer([
      {
        prefix: "demo",
        dir: "examples/browser",
        bundles: { demo: "examples/browser/demo.ts", "guest-worker": "examples/browser/guest-worker.ts" },
      },
    ]);
    browser = await launchBrowser();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it("runs the journal: typed lines are answered, Ctrl-D ends it, and the files it wrote are listed", async () => {
    const page = await browser.context.newPage();
    await page.goto(`${server.origin}/isolated/demo/index.html`);
    const screen = () => page.textContent("#screen");
    await page.waitForFunction(() => document.getElementById("screen")?.textContent?.endsWith("journal: 0 entries so far\n> "));
    expect(await screen()).toBe(
      "Welcome to the witx-wasi journal (this line is /data/motd.txt, fetched by the page).\njournal: 0 entries so far\n> ",
    );

    await page.locator("#line").pressSequentially("hello from Chromium");
    await page.press("#line", "Enter");
    await page.waitForFunction(() => document.getElementById("screen")?.textContent?.endsWith("#1 hello from Chromium\n> "));
    await page.locator("#line").pressSequentially("a second entry");
    await page.press("#line", "Enter");
    await page.waitForFunction(() => document.getElementById("screen")?.textContent?.endsWith("#2 a second entry\n> "));
    await page.press("#line", "Control+d");

    await page.waitForFunction(() => document.getElementById("status")?.textContent === "exited with code 0");
    expect(await screen()).toBe(
      "Welcome to the witx-wasi journal (this line is /data/motd.txt, fetched by the page).\njournal: 0 entries so far\n" +
        "> hello from Chromium\n#1 hello from Chromium\n> a second entry\n#2 a second entry\n> \nsaved 2 new entries\n",
    );
    expect(await page.textContent("#files")).toBe("/home/journal.txt (35 bytes)\nhello from Chromium\na second entry\n");
    expect(await page.isDisabled("#line")).toBe(true);

    const scratch = join(root, "test/.scratch");
    mkdirSync(scratch, { recursive: true });
    const shot = join(scratch, "browser-demo.png");
    await page.screenshot({ path: shot });
    const png = readFileSync(shot);
    expect(png.subarray(1, 4).toString()).toBe("PNG");
    // The viewport: 900 x 640 (IHDR's width and height).
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([900, 640]);
    if (process.env.WITX_WASI_UPDATE_SCREENSHOT === "1") {
      mkdirSync(join(root, "docs"), { recursive: true });
      copyFileSync(shot, join(root, "docs/browser-demo.png"));
    }
    await page.close();
  });
});
