// Starts bench/child.mjs in a fresh Node process and returns its JSON result.
import { spawn } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import { fileURLToPath } from "node:url";

const CHILD = fileURLToPath(new URL("./child.mjs", import.meta.url));

/**
 * @param {object} spec what child.mjs should do
 * @param {{ nodeFlags?: string[], stdoutPath?: string }} options nodeFlags go before the script (e.g. --cpu-prof)
 */
export function runChild(spec, { nodeFlags = [], stdoutPath = "/dev/null" } = {}) {
  const stdoutFd = openSync(stdoutPath, "w");
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--no-warnings", ...nodeFlags, CHILD, JSON.stringify(spec)], {
      stdio: ["ignore", stdoutFd, "pipe", "pipe"],
    });
    closeSync(stdoutFd);
    let stderr = "";
    let result = "";
    child.stderr.setEncoding("utf8").on("data", (text) => (stderr += text));
    child.stdio[3].setEncoding("utf8").on("data", (text) => (result += text));
    child.on("error", reject);
    child.on("close", (code, signal) => {
      if (code === 0 && result !== "") {
        resolve(JSON.parse(result));
        return;
      }
      const why = signal ? `signal ${signal}` : `status ${code}`;
      reject(new Error(`benchmark child (${spec.host ?? "floor"} ${spec.mode} ${spec.program ?? ""}) ended with ${why}\n${stderr.trim()}`));
    });
  });
}
