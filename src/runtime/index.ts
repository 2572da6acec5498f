export * from "./codec.js";
export * from "./error-policy.js";
export * from "./limits.js";
export * from "./memory.js";
export * from "./out.js";
export * from "./pointer.js";
export * from "./policy.js";
export * from "./trace-format.js";
