// The WASI preview1 errno cases by name, in witx order (the position of a
// name is its numeric value). Host code speaks in names so that it reads like
// the spec ("badf", "notcapable") and stays independent of the numbering.
//
// Once src/generated/preview1/types.ts exists, this list can be replaced by
//   export type ErrnoName = keyof typeof errno;
// and a name turned into its number with `errno[name]`.
export const errnoNames = [
  "success", "2big", "acces", "addrinuse", "addrnotavail", "afnosupport",
  "again", "already", "badf", "badmsg", "busy", "canceled", "child",
  "connaborted", "connrefused", "connreset", "deadlk", "destaddrreq", "dom",
  "dquot", "exist", "fault", "fbig", "hostunreach", "idrm", "ilseq",
  "inprogress", "intr", "inval", "io", "isconn", "isdir", "loop", "mfile",
  "mlink", "msgsize", "multihop", "nametoolong", "netdown", "netreset",
  "netunreach", "nfile", "nobufs", "nodev", "noent", "noexec", "nolck",
  "nolink", "nomem", "nomsg", "noprotoopt", "nospc", "nosys", "notconn",
  "notdir", "notempty", "notrecoverable", "notsock", "notsup", "notty", "nxio",
  "overflow", "ownerdead", "perm", "pipe", "proto", "protonosupport",
  "prototype", "range", "rofs", "spipe", "srch", "stale", "timedout",
  "txtbsy", "xdev", "notcapable",
] as const;

export type ErrnoName = (typeof errnoNames)[number];
