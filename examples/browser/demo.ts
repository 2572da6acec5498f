// The demo page's script (bundled to demo.js by serve.mjs): runs journal.wasm in a
// Web Worker with the page's input line as its stdin, prints its output in the
// terminal, and lists the files it left in the in-memory /home.
import { MemoryDirectory, domOutput, fetchFile, runInWebWorker } from "witx-wasi/portable";

const element = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const screen = element<HTMLPreElement>("screen");
const line = element<HTMLInputElement>("line");
const status = element<HTMLSpanElement>("status");
const files = element<HTMLPreElement>("files");
const again = element<HTMLButtonElement>("again");

/** Ends the current run's input; replaced by each run. */
let endInput = () => {};
element("end").addEventListener("click", () => endInput());

/** stdin fed by the input line: Enter sends the line (echoed in the terminal), Ctrl-D ends the input. */
function keyboardInput(): ReadableStream<string> {
  return new ReadableStream<string>({
    start(controller) {
      let open = true;
      endInput = () => {
        if (open) controller.close();
        open = false;
      };
      line.onkeydown = (event) => {
        if (!open) return;
        if (event.key === "d" && event.ctrlKey) {
          event.preventDefault();
          endInput();
        } else if (event.key === "Enter") {
          const typed = document.createElement("span");
          typed.className = "typed";
          typed.textContent = `${line.value}\n`;
          screen.append(typed);
          controller.enqueue(`${line.value}\n`);
          line.value = "";
        }
      };
    },
  });
}

function listFiles(home: MemoryDirectory): string {
  const names = home.list();
  if (names.length === 0) return "(none)";
  return names
    .map((name) => {
      const bytes = home.readFile(name);
      return `/home/${name} (${bytes.length} bytes)\n${new TextDecoder().decode(bytes)}`;
    })
    .join("\n");
}

async function run(): Promise<void> {
  screen.textContent = "";
  files.textContent = "(the program is still running)";
  status.className = "";
  status.textContent = "running";
  again.disabled = true;
  line.disabled = false;
  line.focus();
  const home = new MemoryDirectory();
  try {
    const [bytes, motd] = await Promise.all([fetch("journal.wasm").then((response) => response.arrayBuffer()), fetchFile("motd.txt")]);
    const code = await runInWebWorker(bytes, {
      worker: new URL("guest-worker.js", import.meta.url),
      args: ["journal"],
      mounts: { "/home": home, "/data/motd.txt": motd },
      stdio: { stdin: keyboardInput(), stdout: domOutput(screen), stderr: domOutput(screen) },
    });
    status.textContent = `exited with code ${code}`;
  } catch (error) {
    status.className = "error";
    status.textContent = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  }
  line.disabled = true;
  files.textContent = listFiles(home);
  again.disabled = false;
}

again.addEventListener("click", () => void run());
void run();
