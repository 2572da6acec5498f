/**
 * The data conversions between wasi_unstable (preview0) and wasi_snapshot_preview1
 * that the preview0 adapter needs. Everything not listed here has the same
 * numbering and the same memory layout in both witx versions:
 *
 * - `whence`: preview0 numbers its cases cur 0, end 1, set 2; preview1 set 0, cur 1, end 2.
 * - `filestat`: preview0's `nlink` is a u32, so the record is 56 bytes, not 64.
 * - `subscription_clock`: preview0 starts it with an extra u64 `identifier`, so
 *   a `subscription` is 56 bytes, not 48. The host has no use for the field.
 * - `rights`: preview1 added bit 29, `sock_accept`, which preview0 cannot name.
 */
import type { Codec } from "../../runtime/index.js";
import * as p0 from "../../generated/preview0/types.js";
import * as p1 from "../../generated/preview1/types.js";

/** Same meaning, other number: preview0's whence value → preview1's. */
export function whenceToPreview1(whence: p0.Whence): p1.Whence {
  switch (whence) {
    case p0.whence.set:
      return p1.whence.set;
    case p0.whence.cur:
      return p1.whence.cur;
    case p0.whence.end:
      return p1.whence.end;
  }
}

/** The preview1 right preview0 lacks; kept away from preview0 guests. */
export const preview1OnlyRights: p1.Rights = p1.rightsAll & ~p0.rightsAll;

/** Rights as a preview0 guest may see them: only the bits preview0 defines. */
function rightsToPreview0(rights: p1.Rights): p0.Rights {
  return rights & p0.rightsAll;
}

export function fdstatToPreview0(fdstat: p1.Fdstat): p0.Fdstat {
  return {
    fs_filetype: fdstat.fs_filetype,
    fs_flags: fdstat.fs_flags,
    fs_rights_base: rightsToPreview0(fdstat.fs_rights_base),
    fs_rights_inheriting: rightsToPreview0(fdstat.fs_rights_inheriting),
  };
}

const maxPreview0Linkcount = 0xffff_ffffn;

/**
 * A preview1 filestat in preview0's form, or null when the link count does not
 * fit preview0's u32. The caller reports `overflow` then, as POSIX `stat` does
 * with EOVERFLOW for a value its structure cannot hold (and as wasmtime's
 * preview0 layer does); clamping or wrapping would report a wrong count.
 */
export function filestatToPreview0(filestat: p1.Filestat): p0.Filestat | null {
  if (filestat.nlink > maxPreview0Linkcount) return null;
  return {
    dev: filestat.dev,
    ino: filestat.ino,
    filetype: filestat.filetype,
    nlink: Number(filestat.nlink),
    size: filestat.size,
    atim: filestat.atim,
    mtim: filestat.mtim,
    ctim: filestat.ctim,
  };
}

function subscriptionToPreview1(subscription: p0.Subscription): p1.Subscription {
  const u = subscription.u;
  switch (u.tag) {
    case p0.eventtype.clock: {
      // `identifier` is dropped: preview0 guests get `userdata` back in the event, like preview1 ones.
      const { id, timeout, precision, flags } = u.value;
      return { userdata: subscription.userdata, u: { tag: p1.eventtype.clock, value: { id, timeout, precision, flags } } };
    }
    case p0.eventtype.fd_read:
      return {
        userdata: subscription.userdata,
        u: { tag: p1.eventtype.fd_read, value: { file_descriptor: fdToPreview1(u.value.file_descriptor) } },
      };
    case p0.eventtype.fd_write:
      return {
        userdata: subscription.userdata,
        u: { tag: p1.eventtype.fd_write, value: { file_descriptor: fdToPreview1(u.value.file_descriptor) } },
      };
  }
}

function subscriptionToPreview0(subscription: p1.Subscription, identifier: p0.Userdata): p0.Subscription {
  const u = subscription.u;
  switch (u.tag) {
    case p1.eventtype.clock:
      return { userdata: subscription.userdata, u: { tag: p0.eventtype.clock, value: { identifier, ...u.value } } };
    case p1.eventtype.fd_read:
      return {
        userdata: subscription.userdata,
        u: { tag: p0.eventtype.fd_read, value: { file_descriptor: fdToPreview0(u.value.file_descriptor) } },
      };
    case p1.eventtype.fd_write:
      return {
        userdata: subscription.userdata,
        u: { tag: p0.eventtype.fd_write, value: { file_descriptor: fdToPreview0(u.value.file_descriptor) } },
      };
  }
}

/**
 * Lets a preview1 host read a preview0 subscription array through a
 * `GuestPointer`: elements are preview0-sized (56 bytes) and decode to preview1
 * values. Writing keeps the `identifier` already in guest memory, the one field
 * a preview1 value cannot carry.
 */
export const preview0SubscriptionAsPreview1: Codec<p1.Subscription> = {
  name: "subscription (preview0 layout)",
  size: p0.subscriptionCodec.size,
  align: p0.subscriptionCodec.align,
  read: (view, offset) => subscriptionToPreview1(p0.subscriptionCodec.read(view, offset)),
  write: (view, offset, value) => {
    const identifierAt = offset + p0.subscriptionOffsets.u + 8 + p0.subscription_clockOffsets.identifier;
    const identifier = value.u.tag === p1.eventtype.clock ? view.getBigUint64(identifierAt, true) : 0n;
    p0.subscriptionCodec.write(view, offset, subscriptionToPreview0(value, identifier));
  },
};

// Descriptors are the same u32 numbers in both versions; each generated module brands its own type.
export function fdToPreview1(fd: p0.Fd): p1.Fd {
  return p1.asFd(fd);
}

export function fdToPreview0(fd: p1.Fd): p0.Fd {
  return p0.asFd(fd);
}
