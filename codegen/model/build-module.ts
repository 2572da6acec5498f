/**
 * `(module $name (import "memory" (memory)) (@interface func ...) ...)` into a Module.
 */
import type { List, SExpr } from "../reader/ast.js";
import { WitxError } from "../reader/errors.js";
import type { Func, Module, ModuleImport, Param } from "./types.js";
import { buildTypeRef, type TypeScope } from "./build-types.js";
import { annotationOf, expectIdentifier, expectList, expectNoMore, expectString, headKeyword, show, unknownAnnotation } from "./forms.js";

const MODULE_ITEM_EXPECTED = `(import "memory" (memory)) or (@interface func (export "name") ...)`;
const FUNC_ITEM_EXPECTED = "(param $name T), (result $name T) or (@witx noreturn)";

export function buildModule(list: List, scope: TypeScope): Module {
  const name = expectIdentifier(list.items[1], "the module's $name", list);
  const imports: ModuleImport[] = [];
  const functions: Func[] = [];
  for (const item of list.items.slice(2)) {
    const form = expectList(item, MODULE_ITEM_EXPECTED);
    const annotation = annotationOf(form);
    if (annotation !== null) {
      if (annotation.annotation !== "interface" || annotation.word !== "func") {
        throw unknownAnnotation(form, `${MODULE_ITEM_EXPECTED} in a module`);
      }
      functions.push(buildFunc(form, scope));
    } else if (headKeyword(form) === "import") {
      imports.push(buildImport(form));
    } else {
      throw new WitxError(form.loc, `unknown module item ${show(form)}: expected ${MODULE_ITEM_EXPECTED}`);
    }
  }
  return { name, imports, functions, doc: list.doc, loc: list.loc };
}

function buildImport(form: List): ModuleImport {
  const name = expectString(form.items[1], `the import's "name"`, form);
  const kind = form.items[2];
  if (kind === undefined || kind.type !== "list" || headKeyword(kind) !== "memory" || kind.items.length !== 1) {
    throw new WitxError((kind ?? form).loc, `expected (import "${name}" (memory)): a module imports only its memory`);
  }
  expectNoMore(form, 3, `(import "name" (memory))`);
  return { name, kind: "memory" };
}

/** `(@interface func (export "name") (param $p T)... (result $r T)... (@witx noreturn)?)`. */
function buildFunc(form: List, scope: TypeScope): Func {
  const exportForm = form.items[2];
  if (exportForm === undefined || exportForm.type !== "list" || headKeyword(exportForm) !== "export") {
    throw new WitxError((exportForm ?? form).loc, `expected (export "name") after (@interface func`);
  }
  const name = expectString(exportForm.items[1], `the function's "name"`, exportForm);
  expectNoMore(exportForm, 2, `(export "name")`);

  const params: Param[] = [];
  const results: Param[] = [];
  let noreturn = false;
  for (const item of form.items.slice(3)) {
    const part = expectList(item, FUNC_ITEM_EXPECTED);
    const annotation = annotationOf(part);
    if (annotation !== null && annotation.annotation === "witx" && annotation.word === "noreturn") {
      expectNoMore(part, 2, "(@witx noreturn)");
      noreturn = true;
    } else if (annotation !== null) {
      throw unknownAnnotation(part, `${FUNC_ITEM_EXPECTED} in a function`);
    } else if (headKeyword(part) === "param") {
      params.push(buildParam(part, "param", scope));
    } else if (headKeyword(part) === "result") {
      results.push(buildParam(part, "result", scope));
    } else {
      throw new WitxError(part.loc, `unknown function item ${show(part)}: expected ${FUNC_ITEM_EXPECTED}`);
    }
  }
  return { name, params, results, noreturn, doc: form.doc, loc: form.loc };
}

function buildParam(form: List, keyword: "param" | "result", scope: TypeScope): Param {
  const name = expectIdentifier(form.items[1], `the ${keyword}'s $name`, form);
  const type: SExpr | undefined = form.items[2];
  if (type === undefined) throw new WitxError(form.loc, `expected the type of ${keyword} $${name}`);
  expectNoMore(form, 3, `(${keyword} $name T)`);
  return { name, type: buildTypeRef(type, scope), doc: form.doc, loc: form.loc };
}
