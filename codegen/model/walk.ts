import type { Type, TypeRef } from "./types.js";

/** The type a reference stands for: a name's typename body, or the type written inline. */
export function resolve(ref: TypeRef): Type {
  return ref.kind === "named" ? ref.target.type : ref.type;
}

/** The type references a type is written with, one level deep, in source order. */
function childRefs(type: Type): readonly TypeRef[] {
  switch (type.kind) {
    case "list":
      return [type.element];
    case "pointer":
      return [type.pointee];
    case "record":
      return type.fields.map((field) => field.type);
    case "variant": {
      const payloads = type.cases.flatMap((c) => (c.type === null ? [] : [c.type]));
      return type.tagEnum === null ? payloads : [type.tagEnum, ...payloads];
    }
    case "expected":
      return [type.ok, type.error].filter((ref): ref is TypeRef => ref !== null);
    case "tuple":
      return type.elements;
    default:
      return [];
  }
}

/** `type` and every type written inline inside it (not the targets of names), outermost first. */
export function inlineTypes(type: Type): Type[] {
  const found: Type[] = [type];
  for (const ref of childRefs(type)) {
    if (ref.kind === "inline") found.push(...inlineTypes(ref.type));
  }
  return found;
}

/** The names a type refers to directly or through inline types: its edges in the type graph. */
export function namedRefs(type: Type): Extract<TypeRef, { kind: "named" }>[] {
  return childRefs(type).flatMap((ref) => (ref.kind === "named" ? [ref] : namedRefs(ref.type)));
}
