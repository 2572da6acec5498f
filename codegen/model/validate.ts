/**
 * The rules a built document must satisfy before layout and lowering may read
 * it. Each failure is a WitxError at the offending form that says what was
 * expected.
 *
 * Recursion: witx types may not contain themselves at all, not even through
 * a pointer or a list, because nothing downstream (layout, the generated
 * TypeScript views) is written to terminate on a cyclic type; the cycle is
 * reported as its path of names.
 */
import type { SourceLocation } from "../reader/ast.js";
import { WitxError } from "../reader/errors.js";
import type { Case, Document, Func, IntRepr, Module, NamedType, Type, TypeRef } from "./types.js";
import { classifyParam, returnableError, storableThroughPointer, successValues } from "./abi-class.js";
import type { SourceMap } from "./source-map.js";
import { inlineTypes, namedRefs, resolve } from "./walk.js";

const REPR_BITS: Record<IntRepr, number> = { u8: 8, u16: 16, u32: 32, u64: 64 };

export function validateDocument(document: Document, sourceMap: SourceMap): void {
  rejectDuplicates(
    document.types.map((named) => ({ name: named.name, loc: named.loc })),
    "typename",
  );
  for (const named of document.types) {
    for (const type of inlineTypes(named.type)) validateType(type, named.loc, sourceMap);
  }
  rejectCycles(document.types);
  rejectDuplicates(
    document.modules.map((module) => ({ name: module.name, loc: module.loc })),
    "module",
  );
  for (const module of document.modules) validateModule(module, sourceMap);
}

function format(loc: SourceLocation): string {
  return `${loc.file}:${loc.line}:${loc.column}`;
}

/** Fails at the second use of any name in `items`. */
function rejectDuplicates(items: readonly { name: string; loc: SourceLocation }[], what: string): void {
  const first = new Map<string, SourceLocation>();
  for (const item of items) {
    const earlier = first.get(item.name);
    if (earlier !== undefined) {
      throw new WitxError(item.loc, `duplicate ${what} $${item.name}: expected a unique name (the first is at ${format(earlier)})`);
    }
    first.set(item.name, item.loc);
  }
}

function caseLocations(cases: readonly Case[], sourceMap: SourceMap, fallback: SourceLocation) {
  return cases.map((c) => ({ name: c.name, loc: sourceMap.locate(c, fallback) }));
}

/** Checks one type on its own; `fallback` locates nodes the source map does not know. */
function validateType(type: Type, fallback: SourceLocation, sourceMap: SourceMap): void {
  const here = sourceMap.locate(type, fallback);
  switch (type.kind) {
    case "enum":
      rejectDuplicates(caseLocations(type.cases, sourceMap, here), "enum case");
      rejectOverCapacity(type.cases, 2 ** REPR_BITS[type.tag], `an enum tagged ${type.tag} holds at most`, "cases", sourceMap, here);
      break;
    case "flags":
      rejectDuplicates(caseLocations(type.flags, sourceMap, here), "flag");
      rejectOverCapacity(type.flags, REPR_BITS[type.repr], `flags of repr ${type.repr} hold at most`, "flags", sourceMap, here);
      break;
    case "record":
      rejectDuplicates(caseLocations(type.fields, sourceMap, here), "field");
      break;
    case "variant":
      // A union's cases are its enum's, already checked there.
      if (type.tagEnum === null) {
        rejectDuplicates(caseLocations(type.cases, sourceMap, here), "variant case");
        rejectOverCapacity(type.cases, 2 ** REPR_BITS[type.tag], `a variant tagged ${type.tag} holds at most`, "cases", sourceMap, here);
      }
      break;
    default:
      break;
  }
}

function rejectOverCapacity(
  items: readonly object[],
  capacity: number,
  holds: string,
  unit: string,
  sourceMap: SourceMap,
  fallback: SourceLocation,
): void {
  if (items.length <= capacity) return;
  throw new WitxError(
    sourceMap.locate(items[capacity], fallback),
    `too many ${unit}: ${holds} ${capacity} ${unit}, this one is number ${capacity + 1} of ${items.length}; expected a wider repr`,
  );
}

/** Depth-first search over typename references; a reference back onto the path is a cycle. */
function rejectCycles(types: readonly NamedType[]): void {
  const done = new Set<NamedType>();
  const path: NamedType[] = [];
  const visit = (named: NamedType): void => {
    if (done.has(named)) return;
    const onPath = path.indexOf(named);
    if (onPath >= 0) {
      const cycle = [...path.slice(onPath), named].map((n) => `$${n.name}`).join(" -> ");
      const start = path[onPath];
      throw new WitxError(
        start.loc,
        `recursive type: ${cycle}; expected types that do not contain themselves, not even through a pointer or list`,
      );
    }
    path.push(named);
    for (const ref of namedRefs(named.type)) visit(ref.target);
    path.pop();
    done.add(named);
  };
  for (const named of types) visit(named);
}

function validateModule(module: Module, sourceMap: SourceMap): void {
  const memories = module.imports.filter((imported) => imported.kind === "memory");
  if (memories.length !== 1) {
    throw new WitxError(
      module.loc,
      `module $${module.name} imports ${memories.length} memories: expected exactly one (import "memory" (memory))`,
    );
  }
  rejectDuplicates(
    module.functions.map((func) => ({ name: func.name, loc: func.loc })),
    "function",
  );
  for (const func of module.functions) validateFunc(func, sourceMap);
}

function validateFunc(func: Func, sourceMap: SourceMap): void {
  rejectDuplicates(
    [...func.params, ...func.results].map((param) => ({ name: param.name, loc: param.loc })),
    `parameter or result of ${func.name}`,
  );
  for (const param of func.params) {
    for (const type of writtenTypes(param.type)) validateType(type, param.loc, sourceMap);
    const lowering = classifyParam(resolve(param.type));
    if (lowering.kind === "unsupported") {
      throw new WitxError(param.loc, `param $${param.name} of ${func.name}: ${lowering.reason}`);
    }
  }
  if (func.noreturn && func.results.length > 0) {
    throw new WitxError(func.results[0].loc, `${func.name} is (@witx noreturn): expected no result, since it never returns`);
  }
  if (func.results.length > 1) {
    throw new WitxError(func.results[1].loc, `${func.name} has ${func.results.length} results: expected at most one`);
  }
  const result = func.results[0];
  if (result === undefined) return;
  for (const type of writtenTypes(result.type)) validateType(type, result.loc, sourceMap);
  const type = resolve(result.type);
  const errorExpected = "an (error E) whose E is an enum tagged u32 or narrower, returned as the i32 result";
  if (type.kind !== "expected") {
    throw new WitxError(
      result.loc,
      `result $${result.name} of ${func.name} is a ${type.kind}: expected (expected T (error E)) or (expected (error E))`,
    );
  }
  if (type.error === null || !returnableError(resolve(type.error))) {
    const where = type.error === null ? result.loc : sourceMap.locate(type.error, result.loc);
    throw new WitxError(where, `result $${result.name} of ${func.name}: expected ${errorExpected}`);
  }
  for (const value of successValues(type.ok)) {
    const valueType = resolve(value);
    if (!storableThroughPointer(valueType)) {
      throw new WitxError(
        sourceMap.locate(value, result.loc),
        `result $${result.name} of ${func.name}: a ${valueType.kind} cannot be stored through an out-pointer; ` +
          "expected a scalar, enum, flags, handle, record, variant or pointer, or a tuple of those",
      );
    }
  }
}

/** The types a reference writes out inline; none for a name, whose typename is checked on its own. */
function writtenTypes(ref: TypeRef): Type[] {
  return ref.kind === "inline" ? inlineTypes(ref.type) : [];
}
