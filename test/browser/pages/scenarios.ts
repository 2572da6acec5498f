// The test page's script: runs the scenario its URL names and shows what happened
// (the guest's output, the files it left, its exit code or the error) in the page.
//   ?guest=<repository path>|not-wasm|missing-import  &runner=page|page-class|worker|opfs
//   (page: createWasi on the page; page-class: the WASI class on the page)
//   &args=a,b  &stdin=<text>|typed  &journal=1 (mount /home and /data/motd.txt)
//   &timeout=<ms>  &folder=<OPFS folder, for runner=opfs>  &worker=<the guest worker's script>
import {
  MemoryDirectory,
  WASI,
  createWasi,
  domOutput,
  fetchFile,
  loadOpfsDirectory,
  runInWebWorker,
  type CoreWasiOptions,
  type Mount,
  type OpfsDirectoryHandle,
} from "witx-wasi/portable";

const params = new URLSearchParams(location.search);
const element = (id: string) => document.getElementById(id) as HTMLElement;
const status = element("status");

function finish(text: string): void {
  status.textContent = text;
  status.dataset.done = "1";
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

// (module (import "env" "missing" (func)) (memory 1)): an import no WASI host provides.
const missingImportModule = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x02, 0x0f, 0x01, 0x03, 0x65, 0x6e, 0x76, 0x07, 0x6d,
  0x69, 0x73, 0x73, 0x69, 0x6e, 0x67, 0x00, 0x00, 0x05, 0x03, 0x01, 0x00, 0x01,
]);

async function guestBytes(guest: string): Promise<Uint8Array<ArrayBuffer>> {
  if (guest === "not-wasm") return new TextEncoder().encode("<!doctype html><p>a web page, not a module</p>");
  if (guest === "missing-import") return missingImportModule;
  const response = await fetch(`../files/${guest}`);
  if (!response.ok) throw new Error(`${guest}: ${response.status}`);
  return new Uint8Array(await response.arrayBuffer()) as Uint8Array<ArrayBuffer>;
}

/** stdin the test types into: each Enter in the input sends its line; the button ends the input. */
function typedInput(): ReadableStream<string> {
  const input = element("stdin") as HTMLInputElement;
  return new ReadableStream<string>({
    start(controller) {
      input.addEventListener("keydown", (event) => {
        if (event.key !== "Enter") return;
        controller.enqueue(`${input.value}\n`);
        input.value = "";
      });
      element("end-input").addEventListener("click", () => controller.close(), { once: true });
    },
  });
}

/** Runs the guest on the page with createWasi, or with the node:wasi-compatible WASI class over the same options. */
async function runOnPage(bytes: Uint8Array<ArrayBuffer>, api: "createWasi" | "class", options: CoreWasiOptions): Promise<number> {
  const wasi = api === "class" ? new WASI({ version: "preview1", ...options }) : createWasi(options);
  try {
    const instance = await WebAssembly.instantiate(await WebAssembly.compile(bytes), wasi.getImportObject());
    return wasi.start(instance);
  } finally {
    wasi.close();
  }
}

function runInOpfsWorker(guest: string, stdin: string): Promise<number> {
  const worker = new Worker(new URL("opfs-worker.js", location.href), { type: "module" });
  return new Promise((resolve, reject) => {
    worker.addEventListener("message", (event: MessageEvent<{ stdout: string; code: number; files: string[]; error?: string }>) => {
      worker.terminate();
      if (event.data.error !== undefined) return reject(new Error(event.data.error));
      element("stdout").textContent = event.data.stdout;
      element("files").textContent = event.data.files.join("\n");
      resolve(event.data.code);
    });
    worker.postMessage({ folder: params.get("folder"), stdin, guest: new URL(`../files/${guest}`, location.href).href });
  });
}

async function main(): Promise<number> {
  const guest = params.get("guest") ?? "";
  const runner = params.get("runner") ?? "page";
  const stdinParam = params.get("stdin") ?? "";
  if (runner === "opfs") return runInOpfsWorker(guest, stdinParam);
  if (runner === "opfs-on-page") {
    // Synchronous access handles exist only in workers: the page gets a clear refusal.
    const origin = (await navigator.storage.getDirectory()) as unknown as OpfsDirectoryHandle;
    const folder = await origin.getDirectoryHandle("on-the-page", { create: true });
    await folder.getFileHandle("a-file.txt", { create: true });
    await loadOpfsDirectory(folder);
    return 0;
  }
  const home = new MemoryDirectory();
  const mounts: Record<string, Mount> = {};
  if (params.get("journal") === "1") {
    mounts["/home"] = home;
    mounts["/data/motd.txt"] = await fetchFile("../files/examples/browser/motd.txt");
  }
  const args = [guest.split("/").pop() ?? "guest", ...(params.get("args")?.split(",") ?? [])];
  const stdout = domOutput(element("stdout"));
  const stderr = domOutput(element("stderr"));
  const bytes = await guestBytes(guest);
  const showFiles = () => {
    element("files").textContent = home
      .list()
      .map((name) => `${name}: ${new TextDecoder().decode(home.readFile(name))}`)
      .join("\n");
  };
  try {
    if (runner === "page" || runner === "page-class") {
      return await runOnPage(bytes, runner === "page" ? "createWasi" : "class", {
        args,
        mounts,
        stdio: { stdin: stdinParam, stdout, stderr },
      });
    }
    const stop = new AbortController();
    element("stop").addEventListener("click", () => stop.abort());
    const timeout = params.get("timeout");
    return await runInWebWorker(bytes, {
      worker: new URL(params.get("worker") ?? "guest-worker.js", location.href),
      args,
      mounts,
      stdio: { stdin: stdinParam === "typed" ? typedInput() : stdinParam, stdout, stderr },
      signal: stop.signal,
      ...(timeout === null ? {} : { timeout: Number(timeout) }),
    });
  } finally {
    showFiles();
  }
}

main().then(
  (code) => finish(`exit code ${code}`),
  (error: unknown) => finish(`error: ${describe(error)}`),
);
