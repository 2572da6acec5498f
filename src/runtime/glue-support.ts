/**
 * What the generated glue classes rely on: the host core behind a host the package
 * made, and the import object of one glue instance.
 *
 * Why classes and not a closure per import object: V8 compiles a function once per
 * closure site and specializes the first closure's code to its context, and a call
 * site that saw one host method deoptimizes when a second WASI object brings another.
 * With the imports as methods of one class (bound per object) and a host whose
 * methods are shared (see `hostCoreOf`), a second WASI object runs the code the first
 * one made hot instead of compiling it again.
 */
/**
 * The object each host the package made (a frozen object of bound methods, safe to
 * take methods from one by one) has its methods bound to. A spread or `extendHost`
 * copy is another object, not in here: a changed host is called as it is.
 */
const hostCores = new WeakMap<object, object>();

/** Records that `host`'s methods are `core`'s, bound. */
export function setHostCore(host: object, core: object): void {
  hostCores.set(host, core);
}

/** The object the glue calls: the core behind a host the package made, else `host` itself. */
export function hostCoreOf<H extends object>(host: H): H {
  return (hostCores.get(host) as H | undefined) ?? host;
}

/**
 * The import object of `glue`: each method of its class (in declaration order, the
 * witx order), bound to it. A loop rather than a literal of binds: the same object,
 * without a line per import in every bundle that carries the glue.
 */
export function importsOf<Imports>(glue: object): Imports {
  const methods = Object.getPrototypeOf(glue) as Record<string, (...args: never[]) => unknown>;
  const imports: Record<string, unknown> = {};
  for (const name of Object.getOwnPropertyNames(methods)) {
    if (name !== "constructor") imports[name] = methods[name].bind(glue);
  }
  // A dictionary (past 16 keyed additions), which is fine: wasm reads it once, at instantiation.
  return imports as Imports;
}
