// Translation of the errors Node throws into WASI errno names.
//
// Node reports a failed system call as an Error whose `code` is the libuv
// name of the POSIX error ("ENOENT") and whose `errno` is libuv's negative
// number for it. WASI's errno cases are the POSIX ones with the leading "E"
// dropped and the rest lower-cased, so most of the table is that rule spelled
// out; the rest are aliases and the few Node-level (ERR_*) codes that the fs
// and text-decoding APIs throw for arguments the guest controls.
import { systemErrno } from "./system-errno.js";
import type { ErrnoName } from "./errno-name.js";

// Used for anything the table does not cover: an unknown code, or something
// that is not a system error at all. `io` is WASI's generic "the operation
// failed" answer. The alternatives each claim something we do not know:
// `inval` blames the guest's arguments, `nosys`/`notsup` tell it a feature is
// missing (libc and language runtimes react to those by silently switching to
// a fallback path), and `notcapable` is reserved for sandbox refusals. A guest
// that sees `io` treats the call as a hard failure, which is the honest answer.
export const fallbackErrnoName: ErrnoName = "io";

const posixCodes: ReadonlyArray<readonly [string, ErrnoName]> = [
  ["E2BIG", "2big"],
  ["EACCES", "acces"],
  ["EADDRINUSE", "addrinuse"],
  ["EADDRNOTAVAIL", "addrnotavail"],
  ["EAFNOSUPPORT", "afnosupport"],
  ["EAGAIN", "again"],
  ["EALREADY", "already"],
  ["EBADF", "badf"],
  ["EBADMSG", "badmsg"],
  ["EBUSY", "busy"],
  ["ECANCELED", "canceled"],
  ["ECHILD", "child"],
  ["ECONNABORTED", "connaborted"],
  ["ECONNREFUSED", "connrefused"],
  ["ECONNRESET", "connreset"],
  ["EDEADLK", "deadlk"],
  ["EDESTADDRREQ", "destaddrreq"],
  ["EDOM", "dom"],
  ["EDQUOT", "dquot"],
  ["EEXIST", "exist"],
  ["EFAULT", "fault"],
  ["EFBIG", "fbig"],
  ["EHOSTUNREACH", "hostunreach"],
  ["EIDRM", "idrm"],
  ["EILSEQ", "ilseq"],
  ["EINPROGRESS", "inprogress"],
  ["EINTR", "intr"],
  ["EINVAL", "inval"],
  ["EIO", "io"],
  ["EISCONN", "isconn"],
  ["EISDIR", "isdir"],
  ["ELOOP", "loop"],
  ["EMFILE", "mfile"],
  ["EMLINK", "mlink"],
  ["EMSGSIZE", "msgsize"],
  ["EMULTIHOP", "multihop"],
  ["ENAMETOOLONG", "nametoolong"],
  ["ENETDOWN", "netdown"],
  ["ENETRESET", "netreset"],
  ["ENETUNREACH", "netunreach"],
  ["ENFILE", "nfile"],
  ["ENOBUFS", "nobufs"],
  ["ENODEV", "nodev"],
  ["ENOENT", "noent"],
  ["ENOEXEC", "noexec"],
  ["ENOLCK", "nolck"],
  ["ENOLINK", "nolink"],
  ["ENOMEM", "nomem"],
  ["ENOMSG", "nomsg"],
  ["ENOPROTOOPT", "noprotoopt"],
  ["ENOSPC", "nospc"],
  ["ENOSYS", "nosys"],
  ["ENOTCONN", "notconn"],
  ["ENOTDIR", "notdir"],
  ["ENOTEMPTY", "notempty"],
  ["ENOTRECOVERABLE", "notrecoverable"],
  ["ENOTSOCK", "notsock"],
  ["ENOTSUP", "notsup"],
  ["ENOTTY", "notty"],
  ["ENXIO", "nxio"],
  ["EOVERFLOW", "overflow"],
  ["EOWNERDEAD", "ownerdead"],
  ["EPERM", "perm"],
  ["EPIPE", "pipe"],
  ["EPROTO", "proto"],
  ["EPROTONOSUPPORT", "protonosupport"],
  ["EPROTOTYPE", "prototype"],
  ["ERANGE", "range"],
  ["EROFS", "rofs"],
  ["ESPIPE", "spipe"],
  ["ESRCH", "srch"],
  ["ESTALE", "stale"],
  ["ETIMEDOUT", "timedout"],
  ["ETXTBSY", "txtbsy"],
  ["EXDEV", "xdev"],
];

// Second names for the same condition (equal numbers on Linux), and libuv's
// own codes that have a close WASI counterpart.
const aliasCodes: ReadonlyArray<readonly [string, ErrnoName]> = [
  ["EWOULDBLOCK", "again"],
  ["EOPNOTSUPP", "notsup"],
  ["EDEADLOCK", "deadlk"],
  ["ETIME", "timedout"],
  // libuv: invalid Unicode in a file name (Windows).
  ["ECHARSET", "ilseq"],
  // libuv: send after the write side was shut down; POSIX says EPIPE.
  ["ESHUTDOWN", "pipe"],
  ["EHOSTDOWN", "hostunreach"],
  ["ENONET", "netdown"],
  ["ESOCKTNOSUPPORT", "notsup"],
];

// Node-level codes: thrown by Node's own argument checks rather than by a
// system call, for values that reach Node from the guest.
const nodeCodes: ReadonlyArray<readonly [string, ErrnoName]> = [
  // readFile of a file larger than a Buffer can hold.
  ["ERR_FS_FILE_TOO_LARGE", "fbig"],
  // fs.rm / fs.cp on a directory without `recursive`.
  ["ERR_FS_EISDIR", "isdir"],
  // A NUL byte in a path, a bad flag combination, a negative length, ...
  ["ERR_INVALID_ARG_VALUE", "inval"],
  ["ERR_INVALID_ARG_TYPE", "inval"],
  // An offset or length outside what Node accepts (e.g. beyond 2^63 - 1).
  ["ERR_OUT_OF_RANGE", "inval"],
  ["ERR_INVALID_FD", "badf"],
  ["ERR_DIR_CLOSED", "badf"],
  // Node's permission model (--experimental-permission) refused the access.
  ["ERR_ACCESS_DENIED", "acces"],
  // TextDecoder({ fatal: true }) met bytes that are not UTF-8.
  ["ERR_ENCODING_INVALID_ENCODED_DATA", "ilseq"],
];

/** Node error `code` → WASI errno name. A Map, so that odd codes such as
 * "constructor" or "__proto__" cannot hit inherited object properties. */
export const errnoNameByNodeCode: ReadonlyMap<string, ErrnoName> = new Map([...posixCodes, ...aliasCodes, ...nodeCodes]);

// libuv reports errors it has no name for with code "UNKNOWN", but keeps the
// number: on POSIX hosts `errno` is minus the system's errno value, which
// os.constants.errno can name (e.g. EDQUOT, ESTALE, which libuv lacks).
// On Windows libuv numbers are its own and unrelated to the CRT's, so the
// numeric route is only taken elsewhere. Built at the first error that needs it.
let numberTable: ReadonlyMap<number, ErrnoName> | undefined;

function errnoNameByPosixNumber(): ReadonlyMap<number, ErrnoName> {
  numberTable ??= buildNumberTable();
  return numberTable;
}

function buildNumberTable(): Map<number, ErrnoName> {
  const table = new Map<number, ErrnoName>();
  if (process.platform === "win32") return table;
  const numbers = systemErrno();
  for (const [code, name] of [...posixCodes, ...aliasCodes]) {
    const value = numbers[code];
    // The primary POSIX names come first, so an alias never overrides them.
    if (typeof value === "number" && !table.has(value)) table.set(value, name);
  }
  return table;
}

/** The WASI errno name for a POSIX errno value (positive, as errno.h numbers it), or the fallback. */
export function errnoNameOfPosixNumber(value: number): ErrnoName {
  return errnoNameByPosixNumber().get(value) ?? fallbackErrnoName;
}

/** The WASI errno name for a Node error code string, or the fallback. */
export function errnoNameOfCode(code: string): ErrnoName {
  return errnoNameByNodeCode.get(code) ?? fallbackErrnoName;
}

/**
 * The WASI errno name for anything a Node call may have thrown. Never throws:
 * it is called on error paths, where a second exception would replace the
 * first. Objects are inspected by shape (`code`, `errno`), not by class, so
 * errors from another realm or plain objects with a code work too.
 */
export function errnoNameOf(error: unknown): ErrnoName {
  try {
    if (typeof error !== "object" || error === null) return fallbackErrnoName;
    const { code, errno } = error as { code?: unknown; errno?: unknown };
    if (typeof code === "string") {
      const byCode = errnoNameByNodeCode.get(code);
      if (byCode !== undefined) return byCode;
    }
    if (typeof errno === "number") {
      const byNumber = errnoNameByPosixNumber().get(-errno);
      if (byNumber !== undefined) return byNumber;
    }
    return fallbackErrnoName;
  } catch {
    // A getter or proxy trap on the thrown value threw.
    return fallbackErrnoName;
  }
}
