// Runs the journal guest inside this worker with /home kept in the Origin Private File
// System: loaded before the run, saved after it. The page sends the stdin text and
// the OPFS folder's name; the worker answers with the output, exit code and files.
import { captureOutput, createWasi, loadOpfsDirectory, saveOpfsDirectory, type OpfsDirectoryHandle } from "witx-wasi/portable";

self.addEventListener("message", async (event: MessageEvent<{ folder: string; stdin: string; guest: string }>) => {
  try {
    const { folder, stdin, guest } = event.data;
    const origin = (await navigator.storage.getDirectory()) as unknown as OpfsDirectoryHandle;
    const handle = await origin.getDirectoryHandle(folder, { create: true });
    const home = await loadOpfsDirectory(handle);
    const out = captureOutput();
    const wasi = createWasi({ stdio: { stdin, stdout: out }, mounts: { "/home": home } });
    const module = await WebAssembly.compileStreaming(fetch(guest));
    const code = wasi.start(new WebAssembly.Instance(module, wasi.getImportObject()));
    await saveOpfsDirectory(home, handle);
    const files = home.list().map((name) => `${name}: ${new TextDecoder().decode(home.readFile(name))}`);
    postMessage({ stdout: out.text(), code, files });
  } catch (error) {
    postMessage({ error: String(error) });
  }
});
