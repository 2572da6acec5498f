/**
 * A canonical, JSON-able description of a document: every name, type, value,
 * bit, layout, function and lowered core signature, and nothing else (no doc
 * text, no locations, no file names). Two documents that describe equal
 * define the same interface byte for byte; the upstream-equality test rests
 * on this.
 */
import type { Document, Func, Param, Type, TypeRef } from "../model/types.js";
import { layoutOf, recordLayout, variantLayout } from "./layout.js";
import { coreSignature, lowerFunction } from "./lowering.js";

export function describeDocument(document: Document): unknown {
  return {
    types: document.types.map((named) => {
      const { size, align } = layoutOf(named);
      return { name: named.name, size, align, type: describeType(named.type) };
    }),
    modules: document.modules.map((module) => ({
      name: module.name,
      imports: module.imports.map((imported) => ({ name: imported.name, kind: imported.kind })),
      functions: module.functions.map(describeFunc),
    })),
  };
}

/** A name as `"$fd"`, an inline type as its description. */
function describeRef(ref: TypeRef): unknown {
  return ref.kind === "named" ? `$${ref.name}` : describeType(ref.type);
}

/** A type's description: its shape and layout, the names it refers to as `"$name"` (not their bodies). */
export function describeType(type: Type): unknown {
  switch (type.kind) {
    case "builtin":
      return { kind: type.kind, name: type.name };
    case "string":
    case "handle":
      return { kind: type.kind };
    case "list":
      return { kind: type.kind, element: describeRef(type.element) };
    case "pointer":
      return { kind: type.kind, constant: type.constant, pointee: describeRef(type.pointee) };
    case "enum":
      return { kind: type.kind, tag: type.tag, cases: type.cases.map((c, value) => ({ name: c.name, value })) };
    case "flags":
      return {
        kind: type.kind,
        repr: type.repr,
        flags: type.flags.map((f, bit) => ({ name: f.name, bit, mask: `0x${(1n << BigInt(bit)).toString(16)}` })),
      };
    case "record": {
      const layout = recordLayout(type);
      return {
        kind: type.kind,
        fields: layout.fields.map((field) => ({
          name: field.name,
          type: describeRef(field.field.type),
          offset: field.offset,
          size: field.size,
          align: field.align,
        })),
      };
    }
    case "variant": {
      const layout = variantLayout(type);
      return {
        kind: type.kind,
        tag: type.tag,
        tagEnum: type.tagEnum === null ? null : describeRef(type.tagEnum),
        tagSize: layout.tagSize,
        payloadOffset: layout.payloadOffset,
        cases: type.cases.map((c, value) => ({ name: c.name, value, type: c.type === null ? null : describeRef(c.type) })),
      };
    }
    case "expected":
      return {
        kind: type.kind,
        ok: type.ok === null ? null : describeRef(type.ok),
        error: type.error === null ? null : describeRef(type.error),
      };
    case "tuple":
      return { kind: type.kind, elements: type.elements.map(describeRef) };
  }
}

function describeParam(param: Param): unknown {
  return { name: param.name, type: describeRef(param.type) };
}

function describeFunc(func: Func): unknown {
  const lowered = lowerFunction(func);
  return {
    name: func.name,
    params: func.params.map(describeParam),
    results: func.results.map(describeParam),
    noreturn: func.noreturn,
    lowered: lowered.params.map((param) => ({ role: param.role, name: param.name, core: param.core })),
    core: coreSignature(lowered),
  };
}
