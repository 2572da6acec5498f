/**
 * Emits `host.ts`: the interface a host implements, one method per witx function,
 * typed parameters and a typed result, never a raw pointer. Adding a function to the
 * witx adds a method here, so every host that lacks it stops compiling.
 */
import type { HostView } from "../abi/host-view.js";
import type { Target } from "../targets.js";
import type { EmitAbi, EmitModel, EmittedFile } from "./emitter.js";
import { argumentName, hostArgumentType, successType } from "./host-signatures.js";
import { tsType } from "./ts-types.js";
import { docComment, indentLines, wrapList } from "./wrap.js";

export function emitHost(target: Target, model: EmitModel, abi: EmitAbi): EmittedFile {
  const { module } = model;
  const doc = [
    module.doc.trim(),
    "",
    `Implemented by host code for the \`${module.name}\` module. Each method returns the`,
    "error value (0 is success); a success value goes into `result.value`. A u64 success",
    "value may be a bigint or a number (a non-negative integer; exact below 2^53), whichever",
    "the host has at hand. Views and pointers given to a method are valid only until it returns.",
  ];
  return {
    name: "host.ts",
    purpose: `The ${target.hostInterface} interface: one typed method per ${module.name} function.`,
    imports: [
      { from: "../../runtime/index.js", names: ["GuestPointer", "Out"] },
      { from: "./types.js", namespace: "t" },
    ],
    declarations: [
      [
        ...docComment(doc.join("\n").trim(), 0),
        `export interface ${target.hostInterface} {`,
        abi.views.map((view) => indentLines(method(view), 2).join("\n")).join("\n\n"),
        `}`,
      ].join("\n"),
    ],
  };
}

function method(view: HostView): string[] {
  const func = view.lowered.func;
  const success = successType(view);
  const parameters = view.arguments.map((argument) => `${argumentName(argument)}: ${hostArgumentType(argument)}`);
  if (success !== null) parameters.push(`result: Out<${success}>`);
  const errorType = view.lowered.errorType;
  const paramDocs = func.params
    .filter((param) => param.doc.trim() !== "")
    .map((param) => {
      const argument = view.arguments.find((candidate) => candidate.param === param);
      return `@param ${argument === undefined ? param.name : argumentName(argument)} ${oneLine(param.doc)}`;
    });
  const resultDoc = success !== null && func.results[0]?.doc.trim() ? [`@param result ${oneLine(func.results[0].doc)}`] : [];
  const doc = [func.doc.trim(), ...paramDocs, ...resultDoc].filter((line) => line !== "").join("\n");
  const result = errorType === null ? "void" : tsType(errorType, "t.");
  return [...docComment(doc, 2), ...wrapList(`${func.name}(`, parameters, `: ${result};`, 2)];
}

function oneLine(doc: string): string {
  return doc.trim().split("\n").join(" ");
}
