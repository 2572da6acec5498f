/**
 * The browser helpers' logic, checked in Node with stand-ins for the web
 * objects (the Chromium tests check them against the real ones): domOutput's
 * decoding, fetchFile's refusal of a failed response, and how
 * saveOpfsDirectory makes an OPFS folder match a MemoryDirectory.
 */
import { createServer } from "node:http";
import { describe, expect, it } from "vitest";
import { domOutput } from "../../src/browser/dom-output.js";
import { fetchFile } from "../../src/browser/fetch-file.js";
import { loadOpfsDirectory, saveOpfsDirectory, type OpfsDirectoryHandle } from "../../src/browser/opfs-directory.js";
import { MemoryDirectory } from "../../src/impl/memory/index.js";

describe("domOutput", () => {
  it("appends decoded text, keeping a character split across writes until it is whole, and follows the end", () => {
    const appended: string[] = [];
    const element = { append: (text: string) => appended.push(text), scrollTop: 0, scrollHeight: 120 };
    const write = domOutput(element);
    const bytes = new TextEncoder().encode("é<b>");
    write(bytes.subarray(0, 1));
    write(bytes.subarray(1));
    expect(appended).toEqual(["é<b>"]);
    expect(element.scrollTop).toBe(120);
  });

  it("refuses something that is not an element", () => {
    expect(() => domOutput(null as never)).toThrow(
      "domOutput: the element must be a DOM element (something with an append method). Received null",
    );
  });
});

describe("fetchFile", () => {
  it("gives a read-only file over the body, and rejects naming the URL when the response is not OK", async () => {
    const server = createServer((request, response) => {
      response.writeHead(request.url === "/words.txt" ? 200 : 404);
      response.end(request.url === "/words.txt" ? "alpha beta\n" : "");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as { port: number };
    try {
      const file = await fetchFile(`http://127.0.0.1:${port}/words.txt`);
      expect(file.size()).toBe(11n);
      await expect(fetchFile(`http://127.0.0.1:${port}/missing.txt`)).rejects.toThrow(
        `fetchFile: http://127.0.0.1:${port}/missing.txt answered 404 Not Found`,
      );
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

/** An OPFS folder in memory with the same calls (a sync access handle per open, as in a worker). */
class FakeFolder implements OpfsDirectoryHandle {
  readonly kind = "directory";
  readonly entries = new Map<
    string,
    FakeFolder | { kind: "file"; name: string; bytes: Uint8Array; createSyncAccessHandle(): Promise<never> }
  >();
  constructor(readonly name: string) {}

  async *values() {
    yield* [...this.entries.values()];
  }
  async getDirectoryHandle(name: string, options?: { create?: boolean }) {
    let entry = this.entries.get(name);
    if (entry === undefined && options?.create) {
      entry = new FakeFolder(name);
      this.entries.set(name, entry);
    }
    if (!(entry instanceof FakeFolder)) throw new Error(`no folder ${name}`);
    return entry;
  }
  async getFileHandle(name: string, options?: { create?: boolean }) {
    let entry = this.entries.get(name);
    if (entry === undefined && options?.create) {
      entry = fakeFile(name, new Uint8Array());
      this.entries.set(name, entry);
    }
    if (entry === undefined || entry instanceof FakeFolder) throw new Error(`no file ${name}`);
    return entry;
  }
  async removeEntry(name: string) {
    this.entries.delete(name);
  }
}

function fakeFile(name: string, initial: Uint8Array) {
  const file = {
    kind: "file" as const,
    name,
    bytes: initial,
    createSyncAccessHandle: async () => ({
      getSize: () => file.bytes.length,
      read: (buffer: Uint8Array) => {
        buffer.set(file.bytes.subarray(0, buffer.length));
        return Math.min(buffer.length, file.bytes.length);
      },
      write: (buffer: Uint8Array, options?: { at?: number }) => {
        const at = options?.at ?? 0;
        const grown = new Uint8Array(Math.max(file.bytes.length, at + buffer.length));
        grown.set(file.bytes);
        grown.set(buffer, at);
        file.bytes = grown;
        return buffer.length;
      },
      truncate: (size: number) => {
        file.bytes = file.bytes.slice(0, size);
      },
      flush: () => {},
      close: () => {},
    }),
  };
  return file as never as { kind: "file"; name: string; bytes: Uint8Array; createSyncAccessHandle(): Promise<never> };
}

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe("OPFS directories", () => {
  it("loads files and folders, and saving writes what changed and removes what the guest removed", async () => {
    const root = new FakeFolder("home");
    root.entries.set("kept.txt", fakeFile("kept.txt", new TextEncoder().encode("old")));
    root.entries.set("gone.txt", fakeFile("gone.txt", new TextEncoder().encode("to be removed")));
    const notes = await root.getDirectoryHandle("notes", { create: true });
    notes.entries.set("a.txt", fakeFile("a.txt", new TextEncoder().encode("note a")));

    const directory = await loadOpfsDirectory(root);
    expect(directory.list()).toEqual(["gone.txt", "kept.txt", "notes"]);
    expect(text(directory.readFile("notes/a.txt"))).toBe("note a");

    // The tree after a guest rewrote kept.txt, removed gone.txt, made made/deeper/b.txt
    // and a symbolic link (which OPFS cannot hold, so it is not saved).
    const after = new MemoryDirectory();
    after.writeFile("kept.txt", "new");
    after.mkdir("notes");
    after.writeFile("notes/a.txt", "note a");
    after.mkdir("made/deeper");
    after.writeFile("made/deeper/b.txt", "made by the guest");
    after.symlink("kept.txt", "link");
    await saveOpfsDirectory(after, root);

    expect([...root.entries.keys()].sort()).toEqual(["kept.txt", "made", "notes"]);
    const reloaded = await loadOpfsDirectory(root);
    expect(text(reloaded.readFile("kept.txt"))).toBe("new");
    expect(text(reloaded.readFile("made/deeper/b.txt"))).toBe("made by the guest");
    expect(text(reloaded.readFile("notes/a.txt"))).toBe("note a");
  });

  it("refuses a handle that is not an OPFS folder, naming the call", async () => {
    await expect(loadOpfsDirectory({} as never)).rejects.toThrow("loadOpfsDirectory: the handle must be an OPFS FileSystemDirectoryHandle");
    await expect(saveOpfsDirectory({} as never, new FakeFolder("x"))).rejects.toThrow(
      "saveOpfsDirectory: the directory must be a MemoryDirectory",
    );
  });
});
