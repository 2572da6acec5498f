/**
 * poll_oneoff.
 *
 * Descriptor subscriptions are answered at once: the host is synchronous, so a
 * regular file is always ready (with the bytes left to read), and for streams
 * (stdin, pipes) we cannot ask Node whether data is waiting, so they are
 * reported ready too and the following read blocks until data arrives, as a
 * blocking read would. A descriptor that is closed or lacks poll_fd_readwrite
 * gives an event carrying that error, as POSIX poll reports POLLNVAL.
 *
 * Clock subscriptions become deadlines on the monotonic clock (absolute ones
 * are converted from their own clock). With a descriptor event ready, only
 * clocks already due are added; otherwise the call sleeps (Atomics.wait, no
 * spinning) until the earliest deadline and reports every clock then due.
 *
 * In the worker runner, streams fed while the guest runs (its stdin) report
 * real readiness: a description whose `whenReady` gives a promise has no data
 * yet, and when no event is ready the call answers with a promise that settles
 * on whichever comes first, data (or end of file) on one of them or the
 * earliest deadline; then the subscriptions are looked at again. A stream at
 * end of file reports the hangup flag. The worker runner's sleep is a promise
 * too, so its host thread never blocks.
 */
import type { Preview1Host } from "../../generated/preview1/host.js";
import type { Errno, Event, Subscription, SubscriptionClock } from "../../generated/preview1/types.js";
import * as clockid from "../../generated/preview1/clockid.js";
import * as eventrwflags from "../../generated/preview1/eventrwflags.js";
import * as eventtype from "../../generated/preview1/eventtype.js";
import * as subclockflags from "../../generated/preview1/subclockflags.js";
import * as errno from "../../generated/preview1/errno.js";
import { InvalidGuestValue } from "../../runtime/codec.js";
import type { Out } from "../../runtime/out.js";
import type { ClockSource } from "../context.js";
import type { FdTable } from "../fd-table.js";
import type { HostMethods, HostState } from "./host-class.js";
import * as Right from "../../generated/preview1/rights.js";

// Refilled per descriptor subscription, read before the next.
const nbytes: Out<bigint> = { value: 0n };

/** When a clock subscription fires, in monotonic ns. */
function deadlineOf(clock: ClockSource, subscription: SubscriptionClock, monotonicNow: bigint): bigint {
  if ((subscription.flags & subclockflags.subscription_clock_abstime) === 0) return monotonicNow + subscription.timeout;
  if (subscription.id === clockid.monotonic) return subscription.timeout;
  return monotonicNow + (subscription.timeout - clock.now(subscription.id));
}

/** The event for a descriptor subscription, or null while its stream has no data yet (its promise goes in `waits`). */
function fdEvent(
  fds: FdTable,
  subscription: Subscription,
  kind: typeof eventtype.fd_read | typeof eventtype.fd_write,
  fd: number,
  waits: Promise<void>[],
): Event | null {
  const entry = fds.withRights(fd, Right.poll_fd_readwrite);
  let error: Errno;
  let flags = 0;
  if (typeof entry === "number") {
    error = entry;
    nbytes.value = 0n;
  } else {
    const description = entry.description;
    const wait = description.whenReady?.(kind) ?? null;
    if (wait !== null) {
      waits.push(wait);
      return null;
    }
    error = description.readiness(kind, nbytes);
    if (kind === eventtype.fd_read && description.hangup?.() === true) flags = eventrwflags.fd_readwrite_hangup;
  }
  return {
    userdata: subscription.userdata,
    error,
    type: kind,
    fd_readwrite: { nbytes: error === errno.success ? nbytes.value : 0n, flags },
  };
}

function clockEvent(subscription: Subscription): Event {
  return { userdata: subscription.userdata, error: errno.success, type: eventtype.clock, fd_readwrite: { nbytes: 0n, flags: 0 } };
}

/** A promise where an errno is due: only the worker runner's host produces them, and it accepts them (worker/async-host.ts). */
function later(promise: Promise<Errno>): Errno {
  return promise as unknown as Errno;
}

/** Resolves when one of `waits` does or after `nanoseconds` (null: no deadline). */
function firstOf(waits: Promise<void>[], nanoseconds: bigint | null): Promise<void> {
  return new Promise((resolve) => {
    const timer = nanoseconds === null ? undefined : setTimeout(resolve, Math.ceil(Number(nanoseconds) / 1e6));
    void Promise.race(waits).then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Collects the events due now, or waits (a sleep, or a promise in the worker runner) until some are. */
function answer(
  host: HostState,
  subscriptions: Subscription[],
  start: bigint,
  output: Parameters<Preview1Host["poll_oneoff"]>[1],
  result: Out<number>,
): Errno {
  const events: Event[] = [];
  const waits: Promise<void>[] = [];
  let deadlines: bigint[] | null = null;
  let earliest = -1n;
  for (let i = 0; i < subscriptions.length; i++) {
    const subscription = subscriptions[i];
    const u = subscription.u;
    if (u.tag === eventtype.clock) {
      deadlines ??= new Array<bigint>(subscriptions.length);
      const deadline = deadlineOf(host.clock, u.value, start);
      deadlines[i] = deadline;
      if (earliest < 0n || deadline < earliest) earliest = deadline;
    } else {
      const event = fdEvent(host.fds, subscription, u.tag, u.value.file_descriptor, waits);
      if (event !== null) events.push(event);
    }
  }
  let now = deadlines === null ? 0n : host.clock.now(clockid.monotonic);
  if (events.length === 0 && waits.length > 0 && (deadlines === null || now < earliest)) {
    return later(firstOf(waits, deadlines === null ? null : earliest - now).then(() => answer(host, subscriptions, start, output, result)));
  }
  if (deadlines !== null) {
    if (events.length === 0) {
      while (now < earliest) {
        const slept = host.sleep(earliest - now);
        if (slept instanceof Promise) return later(slept.then(() => answer(host, subscriptions, start, output, result)));
        now = host.clock.now(clockid.monotonic);
      }
    }
    for (let i = 0; i < subscriptions.length; i++) {
      const deadline = deadlines[i];
      if (deadline !== undefined && deadline <= now) events.push(clockEvent(subscriptions[i]));
    }
  }
  output.writeArray(events);
  result.value = events.length;
  return errno.success;
}

export const pollMethods: HostMethods<"poll_oneoff"> = {
  poll_oneoff(input, output, count, result) {
    if (count === 0 || count > this.limits.maxPollSubscriptions) return errno.inval;
    let subscriptions: Subscription[];
    try {
      subscriptions = input.readArray(count);
    } catch (error) {
      if (error instanceof InvalidGuestValue) return errno.inval;
      throw error;
    }
    return answer(this, subscriptions, this.clock.now(clockid.monotonic), output, result);
  },
};
