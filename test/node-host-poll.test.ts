// poll_oneoff through the generated glue: relative and absolute clocks on each
// clock, the earliest of several winning, descriptor readiness reported at
// once (with the bytes left in a file), errors as events, and the limits.
import * as fs from "node:fs";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  clockid,
  errno,
  eventtype,
  rights,
  subclockflags,
  subscriptionCodec,
  type Clockid,
  type Subscription,
} from "../src/generated/preview1/types.js";
import { Harness, makeTempDir } from "./support/node-host-harness.js";

const ms = 1_000_000n;
let dir: string;
let cleanup: () => void;
let h: Harness;

beforeEach(() => {
  [dir, cleanup] = makeTempDir("node-host-poll-");
  fs.writeFileSync(path.join(dir, "five.txt"), "12345");
  h = new Harness({ preopens: [["/sandbox", dir]] });
});
afterEach(() => {
  h.close();
  cleanup();
});

function clock(userdata: bigint, id: Clockid, timeout: bigint, absolute = false): Subscription {
  return {
    userdata,
    u: { tag: eventtype.clock, value: { id, timeout, precision: 0n, flags: absolute ? subclockflags.subscription_clock_abstime : 0 } },
  };
}

function onFd(userdata: bigint, kind: typeof eventtype.fd_read | typeof eventtype.fd_write, fd: number): Subscription {
  return { userdata, u: { tag: kind, value: { file_descriptor: fd as never } } };
}

function now(id: Clockid): bigint {
  const out = h.alloc(8, 8);
  h.imports.clock_time_get(id, 0n, out);
  return h.u64(out);
}

function timed<T>(action: () => T): [T, number] {
  const start = performance.now();
  const result = action();
  return [result, performance.now() - start];
}

describe("clock subscriptions", () => {
  it("a relative monotonic timeout waits at least that long and reports its userdata", () => {
    const [[error, events], elapsed] = timed(() => h.poll([clock(0x1234n, clockid.monotonic, 20n * ms)]));
    expect(error).toBe(errno.success);
    expect(events).toEqual([{ userdata: 0x1234n, error: errno.success, type: eventtype.clock, fd_readwrite: { nbytes: 0n, flags: 0 } }]);
    expect(elapsed).toBeGreaterThanOrEqual(19.5);
  });

  it("an absolute deadline on the monotonic clock is reached before returning", () => {
    const deadline = now(clockid.monotonic) + 30n * ms;
    const [error, events] = h.poll([clock(8n, clockid.monotonic, deadline, true)]);
    expect(error).toBe(errno.success);
    expect(events.map((event) => event.userdata)).toEqual([8n]);
    expect(now(clockid.monotonic) >= deadline).toBe(true);
  });

  it("an absolute deadline on the realtime clock is reached before returning", () => {
    const deadline = now(clockid.realtime) + 30n * ms;
    h.poll([clock(9n, clockid.realtime, deadline, true)]);
    expect(now(clockid.realtime) >= deadline).toBe(true);
  });

  it("a deadline in the past fires at once", () => {
    const [[, events], elapsed] = timed(() => h.poll([clock(10n, clockid.monotonic, 1n, true), clock(11n, clockid.realtime, 0n)]));
    expect(events.map((event) => event.userdata)).toEqual([10n, 11n]);
    expect(elapsed).toBeLessThan(500);
  });

  it("of several clocks only the earliest fires", () => {
    const [[, events], elapsed] = timed(() =>
      h.poll([clock(1n, clockid.monotonic, 3000n * ms), clock(2n, clockid.monotonic, 15n * ms), clock(3n, clockid.realtime, 2000n * ms)]),
    );
    expect(events.map((event) => event.userdata)).toEqual([2n]);
    expect(elapsed).toBeGreaterThanOrEqual(14.5);
    expect(elapsed).toBeLessThan(2000);
  });

  it("works with the CPU-time clocks too", () => {
    const [error, events] = h.poll([clock(5n, clockid.process_cputime_id, 1n * ms)]);
    expect(error).toBe(errno.success);
    expect(events.map((event) => event.userdata)).toEqual([5n]);
  });
});

describe("descriptor subscriptions", () => {
  it("a regular file is ready to read, with the bytes left after the position", () => {
    const [, fd] = h.open(3, "five.txt", { base: rights.fd_read | rights.poll_fd_readwrite });
    expect(h.poll([onFd(20n, eventtype.fd_read, fd)])[1]).toEqual([
      { userdata: 20n, error: errno.success, type: eventtype.fd_read, fd_readwrite: { nbytes: 5n, flags: 0 } },
    ]);
    h.read(fd, 2);
    expect(h.poll([onFd(20n, eventtype.fd_read, fd)])[1][0].fd_readwrite.nbytes).toBe(3n);
  });

  it("ready descriptors do not wait for a clock", () => {
    const [, fd] = h.open(3, "five.txt", { base: rights.fd_read | rights.fd_write | rights.poll_fd_readwrite });
    const [[, events], elapsed] = timed(() =>
      h.poll([clock(30n, clockid.monotonic, 5000n * ms), onFd(31n, eventtype.fd_read, fd), onFd(32n, eventtype.fd_write, fd)]),
    );
    expect(events.map((event) => [event.userdata, event.type])).toEqual([
      [31n, eventtype.fd_read],
      [32n, eventtype.fd_write],
    ]);
    expect(elapsed).toBeLessThan(1000);
  });

  it("a closed descriptor gives an event with badf, one without the right an event with notcapable", () => {
    const [, fd] = h.open(3, "five.txt", { base: rights.fd_read });
    const [error, events] = h.poll([onFd(40n, eventtype.fd_read, 99), onFd(41n, eventtype.fd_write, fd)]);
    expect(error).toBe(errno.success);
    expect(events.map((event) => [event.userdata, event.error])).toEqual([
      [40n, errno.badf],
      [41n, errno.notcapable],
    ]);
  });
});

describe("limits and validation", () => {
  it("zero subscriptions and more than the limit are inval", () => {
    expect(h.poll([])[0]).toBe(errno.inval);
    const limited = new Harness({ limits: { maxPollSubscriptions: 2 } });
    try {
      const sub = clock(1n, clockid.monotonic, 0n);
      expect(limited.poll([sub, sub])[0]).toBe(errno.success);
      expect(limited.poll([sub, sub, sub])[0]).toBe(errno.inval);
    } finally {
      limited.close();
    }
  });

  it("an unknown event tag or clock flag bit in a subscription is inval", () => {
    const input = h.alloc(subscriptionCodec.size, 8);
    subscriptionCodec.write(h.view, input, clock(1n, clockid.monotonic, 0n));
    h.bytes[input + 8] = 7;
    const out = h.alloc(64, 8);
    expect(h.imports.poll_oneoff(input, out, 1, h.alloc(4, 4))).toBe(errno.inval);
    subscriptionCodec.write(h.view, input, clock(1n, clockid.monotonic, 0n));
    h.view.setUint16(input + 8 + 8 + 24, 2, true);
    expect(h.imports.poll_oneoff(input, out, 1, h.alloc(4, 4))).toBe(errno.inval);
  });

  it("an output array outside memory traps", () => {
    const input = h.alloc(subscriptionCodec.size, 8);
    subscriptionCodec.write(h.view, input, clock(1n, clockid.monotonic, 0n));
    const end = h.memory.buffer.byteLength - 8;
    expect(() => h.imports.poll_oneoff(input, end, 1, h.alloc(4, 4))).toThrow(WebAssembly.RuntimeError);
  });
});
