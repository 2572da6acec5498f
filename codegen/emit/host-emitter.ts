/**
 * Emits `host.ts`: the interface a host implements, one method per witx function,
 * typed parameters and a typed result, never a raw pointer. Adding a function to the
 * witx adds a method here, so every host that lacks it stops compiling.
 */
import { StructureKind } from "ts-morph";
import type { Statements } from "./project.js";
import type { Module } from "../model/types.js";
import { hostArgumentType, successType, type HostView } from "./host-view.js";
import { tsType } from "./ts-types.js";

export function emitHost(file: Statements, module: Module, interfaceName: string, views: readonly HostView[]): void {
  file.push({ kind: StructureKind.ImportDeclaration, isTypeOnly: true, moduleSpecifier: "../../runtime/index.js", namedImports: ["GuestPointer", "Out"] });
  file.push({ kind: StructureKind.ImportDeclaration, isTypeOnly: true, moduleSpecifier: "./types.js", namespaceImport: "t" });
  file.push({
    kind: StructureKind.Interface,
    name: interfaceName,
    isExported: true,
    docs: [
      [
        module.doc.trim(),
        "",
        `Implemented by host code for the \`${module.name}\` module. Each method returns the`,
        "error value (0 is success); a success value goes into `result.value`. Views and",
        "pointers given to a method are valid only until it returns.",
      ]
        .join("\n")
        .trim(),
    ],
    methods: views.map((view) => {
      const func = view.lowered.func;
      const success = successType(view);
      const parameters = view.arguments.map((argument) => ({ name: argument.name, type: hostArgumentType(argument) }));
      if (success !== null) parameters.push({ name: "result", type: `Out<${success}>` });
      const errorType = view.lowered.errorType;
      const paramDocs = func.params
        .filter((param) => param.doc.trim() !== "")
        .map((param) => `@param ${view.arguments.find((argument) => argument.param === param)?.name ?? param.name} ${oneLine(param.doc)}`);
      const resultDoc = success !== null && func.results[0]?.doc.trim() ? [`@param result ${oneLine(func.results[0].doc)}`] : [];
      return {
        name: func.name,
        parameters,
        returnType: errorType === null ? "void" : tsType(errorType, "t."),
        docs: [[func.doc.trim(), ...paramDocs, ...resultDoc].filter((line) => line !== "").join("\n")].filter((doc) => doc !== ""),
      };
    }),
  });
}

function oneLine(doc: string): string {
  return doc.trim().split("\n").join(" ");
}
