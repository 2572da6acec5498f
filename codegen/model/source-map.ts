import type { SourceLocation } from "../reader/ast.js";

/**
 * Where each model object (a Type, TypeRef, Case, Field or VariantCase) was
 * written. The model types carry locations only on the objects emitters need
 * them for; validation needs them everywhere, so the builder records them
 * here instead of widening the model.
 */
export class SourceMap {
  private readonly locations = new WeakMap<object, SourceLocation>();

  record<T extends object>(node: T, loc: SourceLocation): T {
    this.locations.set(node, loc);
    return node;
  }

  /** The node's location; `fallback` covers nodes built without source (none today). */
  locate(node: object, fallback: SourceLocation): SourceLocation {
    return this.locations.get(node) ?? fallback;
  }
}
