/**
 * preview0's types.ts re-exports from preview1's every type the two models define
 * alike, the types it names included (codegen/abi/shared-types.ts): which types
 * that is today, that the modules then hand out one object for both and keep the
 * differing ones apart, and the drill of a witx change, which unshares exactly the
 * types that reach the changed one.
 */
import { cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { describeType } from "../codegen/abi/describe.js";
import { sharedTypeNames } from "../codegen/abi/shared-types.js";
import { codecName, typeName } from "../codegen/emit/names.js";
import { generateFromDocument, generateTarget } from "../codegen/generate.js";
import { loadWitx } from "../codegen/model/load.js";
import { targets } from "../codegen/targets.js";
import * as p0 from "../src/generated/preview0/types.js";
import * as p1 from "../src/generated/preview1/types.js";
import { scratchFolders } from "./support/scratch-folders.js";
import { typeErrors } from "./support/type-errors.js";

const root = resolve(fileURLToPath(new URL("..", import.meta.url)));
const scratchDir = scratchFolders();

const [preview1Target, preview0Target] = targets;
const preview0Witx = join(root, preview0Target.witx);
const preview1Witx = join(root, preview1Target.witx);

/** Both versions define these alike, down to every type they name. */
const shared = [
  "size",
  "filesize",
  "timestamp",
  "clockid",
  "errno",
  "fd",
  "iovec",
  "ciovec",
  "iovec_array",
  "ciovec_array",
  "filedelta",
  "dircookie",
  "dirnamlen",
  "inode",
  "filetype",
  "dirent",
  "advice",
  "fdflags",
  "device",
  "fstflags",
  "lookupflags",
  "oflags",
  "userdata",
  "eventtype",
  "eventrwflags",
  "event_fd_readwrite",
  "event",
  "subclockflags",
  "subscription_fd_readwrite",
  "exitcode",
  "signal",
  "riflags",
  "roflags",
  "siflags",
  "sdflags",
  "preopentype",
  "prestat_dir",
  "prestat",
];

/**
 * preview0's own: rights (no sock_accept), whence (another case order), linkcount
 * (u32) and subscription_clock (its identifier field) differ themselves; the others
 * hold one of them (fdstat its rights, filestat its linkcount, subscription_u its
 * subscription_clock, subscription its subscription_u).
 */
const own = ["rights", "whence", "fdstat", "linkcount", "filestat", "subscription_clock", "subscription_u", "subscription"];

/** The names a module's text exports: its exported declarations and its `export { ... }` lists. */
function exportedNames(text: string): string[] {
  const file = ts.createSourceFile("types.ts", text, ts.ScriptTarget.ES2022, false, ts.ScriptKind.TS);
  const names: string[] = [];
  for (const statement of file.statements) {
    if (ts.isExportDeclaration(statement) && statement.exportClause && ts.isNamedExports(statement.exportClause)) {
      names.push(...statement.exportClause.elements.map((element) => element.name.text));
      continue;
    }
    const exported = ts.canHaveModifiers(statement) && ts.getModifiers(statement)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
    if (!exported) continue;
    if (ts.isVariableStatement(statement)) {
      names.push(...statement.declarationList.declarations.map((declaration) => (declaration.name as ts.Identifier).text));
    } else if (
      (ts.isFunctionDeclaration(statement) || ts.isTypeAliasDeclaration(statement) || ts.isInterfaceDeclaration(statement)) &&
      statement.name
    ) {
      names.push(statement.name.text);
    }
  }
  return names.sort();
}

function typesFile(files: readonly { path: string; text: string }[], outDir: string): string {
  const file = files.find((entry) => entry.path === `${outDir}/types.ts`);
  if (file === undefined) throw new Error(`no ${outDir}/types.ts generated`);
  return file.text;
}

/** The names in a types.ts's `export { ... } from "../preview1/types.js"` (or `export type { ... }`) list, sorted. */
function reExportedNames(text: string, keyword: "export" | "export type" = "export"): string[] {
  const list = new RegExp(`^${keyword} \\{([^}]*)\\} from "\\.\\./preview1/types\\.js";$`, "m").exec(text);
  return (list?.[1] ?? "")
    .split(",")
    .map((name) => name.trim())
    .filter((name) => name !== "")
    .sort();
}

describe("the types preview0 takes from preview1", () => {
  const preview0 = loadWitx(preview0Witx);
  const preview1 = loadWitx(preview1Witx);

  it("are those both define alike, types they name included; the rest stay preview0's own", () => {
    expect(sharedTypeNames(preview0, preview1)).toEqual(shared);
    expect(preview0.types.map((named) => named.name).filter((name) => !shared.includes(name))).toEqual(own);
  });

  it("leave out a type written alike that names a differing one (fdstat holds rights)", () => {
    const fdstat0 = preview0.typesByName.get("fdstat");
    const fdstat1 = preview1.typesByName.get("fdstat");
    expect(fdstat0 && describeType(fdstat0.type)).toEqual(fdstat1 && describeType(fdstat1.type));
    expect(sharedTypeNames(preview0, preview1)).not.toContain("fdstat");
  });

  it("keep preview0's types module exporting the same names as when it defined every type itself", () => {
    const withSharing = typesFile(generateTarget(root, preview0Target), preview0Target.outDir);
    const alone = typesFile(generateTarget(root, { ...preview0Target, typesFrom: undefined }), preview0Target.outDir);
    expect(exportedNames(withSharing)).toEqual(exportedNames(alone));
    expect(reExportedNames(alone)).toEqual([]);
    expect(reExportedNames(withSharing, "export type")).toEqual(shared.map(typeName).sort());
  });

  it("name preview1's witx files in the header of preview0's types.ts, and only there", () => {
    for (const file of generateTarget(root, preview0Target)) {
      const names = file.text.includes("@generated from witx/preview1/wasi_snapshot_preview1.witx (sha256 ");
      expect(names, file.path).toBe(file.path.endsWith("/types.ts"));
    }
  });

  it("are one object in both modules, and the differing types two", () => {
    const preview0Exports = p0 as Record<string, unknown>;
    const preview1Exports = p1 as Record<string, unknown>;
    const reExported = reExportedNames(readFileSync(join(root, preview0Target.outDir, "types.ts"), "utf8"));
    const values = reExported.filter((name) => name in preview0Exports);
    expect(values).toContain("errno");
    for (const name of values) expect(preview0Exports[name], name).toBe(preview1Exports[name]);
    expect(p0.errno).toBe(p1.errno);
    expect(p0.direntCodec).toBe(p1.direntCodec);
    expect(p0.eventCodec).toBe(p1.eventCodec);
    expect(p0.rights).not.toBe(p1.rights);
    expect(p0.whenceCodec).not.toBe(p1.whenceCodec);
    expect(p0.fdstatCodec).not.toBe(p1.fdstatCodec);
    expect(p0.filestatCodec.size).toBe(56);
    expect(p1.filestatCodec.size).toBe(64);
    expect(p0.subscriptionCodec).not.toBe(p1.subscriptionCodec);
  });
});

describe("spec-change drill: one version's witx changes a type", () => {
  /** Copies witx/ into a scratch folder, applies `edit` to one file, and generates both targets from the copy. */
  function generateEdited(file: string, edit: (text: string) => string) {
    const copy = scratchDir("shared-types-");
    cpSync(join(root, "witx"), join(copy, "witx"), { recursive: true });
    const path = join(copy, file);
    const before = readFileSync(path, "utf8");
    const after = edit(before);
    expect(after, "the edit applies").not.toBe(before);
    writeFileSync(path, after);
    const preview0 = loadWitx(join(copy, preview0Target.witx));
    const preview1 = loadWitx(join(copy, preview1Target.witx));
    const files = [
      ...generateFromDocument(copy, preview1Target, preview1),
      ...generateFromDocument(copy, preview0Target, preview0, preview1),
    ];
    return { copy, files, sharedNames: sharedTypeNames(preview0, preview1) };
  }

  const drills = [
    {
      what: "a case added to preview1's filetype unshares filetype and dirent, which holds one",
      file: "witx/preview1/typenames.witx",
      edit: (text: string) => text.replace("    $symbolic_link\n  )", "    $symbolic_link\n    $fifo\n  )"),
      unshared: ["filetype", "dirent"],
    },
    {
      what: "a flag added to preview0's eventrwflags unshares it, event_fd_readwrite, and event, which holds that",
      file: "witx/preview0/typenames.witx",
      edit: (text: string) => text.replace("    $fd_readwrite_hangup\n  )", "    $fd_readwrite_hangup\n    $fd_readwrite_error\n  )"),
      unshared: ["eventrwflags", "event_fd_readwrite", "event"],
    },
    {
      what: "a reworded doc comment unshares nothing (doc text is no part of a type)",
      file: "witx/preview0/typenames.witx",
      edit: (text: string) => text.replace(";;; A directory.", ";;; A directory, reworded."),
      unshared: [],
    },
  ];

  for (const drill of drills) {
    it(drill.what, () => {
      const { files, sharedNames } = generateEdited(drill.file, drill.edit);
      expect(sharedNames).toEqual(shared.filter((name) => !drill.unshared.includes(name)));
      const types = typesFile(files, preview0Target.outDir);
      expect(reExportedNames(types, "export type")).toEqual(sharedNames.map(typeName).sort());
      for (const name of drill.unshared) {
        expect(types).toMatch(new RegExp(`^export const ${codecName(name)}: Codec<`, "m"));
        expect(reExportedNames(types)).not.toContain(codecName(name));
      }
    });
  }

  it("generates preview0 files that type-check against the edited preview1's types", () => {
    const { copy, files } = generateEdited(drills[0].file, drills[0].edit);
    for (const file of files) {
      mkdirSync(join(copy, file.path, ".."), { recursive: true });
      writeFileSync(join(copy, file.path), file.text);
    }
    symlinkSync(join(root, "src/runtime"), join(copy, "src/runtime"));
    expect(typeErrors(join(copy, preview0Target.outDir, "index.ts"), { noUnusedLocals: true })).toEqual([]);
  });
});
