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
 */
import type { Preview1Host } from "../../generated/preview1/host.js";
import {
  clockid,
  errno,
  eventtype,
  subclockflags,
  type Errno,
  type Event,
  type Subscription,
  type SubscriptionClock,
} from "../../generated/preview1/types.js";
import { InvalidGuestValue } from "../../runtime/codec.js";
import type { Out } from "../../runtime/out.js";
import type { HostContext } from "../context.js";
import { Right } from "../rights.js";

export function createPollMethods(ctx: HostContext): Pick<Preview1Host, "poll_oneoff"> {
  const { fds, clock } = ctx;
  const maxSubscriptions = ctx.limits.maxPollSubscriptions;
  const nbytes: Out<bigint> = { value: 0n };

  /** When a clock subscription fires, in monotonic ns. */
  function deadlineOf(subscription: SubscriptionClock, monotonicNow: bigint): bigint {
    if ((subscription.flags & subclockflags.subscription_clock_abstime) === 0) return monotonicNow + subscription.timeout;
    if (subscription.id === clockid.monotonic) return subscription.timeout;
    return monotonicNow + (subscription.timeout - clock.now(subscription.id));
  }

  function fdEvent(subscription: Subscription, kind: typeof eventtype.fd_read | typeof eventtype.fd_write, fd: number): Event {
    const entry = fds.withRights(fd, Right.poll_fd_readwrite);
    let error: Errno;
    if (typeof entry === "number") {
      error = entry;
      nbytes.value = 0n;
    } else {
      error = entry.description.readiness(kind, nbytes);
    }
    return { userdata: subscription.userdata, error, type: kind, fd_readwrite: { nbytes: error === errno.success ? nbytes.value : 0n, flags: 0 } };
  }

  function clockEvent(subscription: Subscription): Event {
    return { userdata: subscription.userdata, error: errno.success, type: eventtype.clock, fd_readwrite: { nbytes: 0n, flags: 0 } };
  }

  return {
    poll_oneoff(input, output, count, result) {
      if (count === 0 || count > maxSubscriptions) return errno.inval;
      let subscriptions: Subscription[];
      try {
        subscriptions = input.readArray(count);
      } catch (error) {
        if (error instanceof InvalidGuestValue) return errno.inval;
        throw error;
      }
      const events: Event[] = [];
      const start = clock.now(clockid.monotonic);
      let deadlines: bigint[] | null = null;
      let earliest = -1n;
      for (let i = 0; i < subscriptions.length; i++) {
        const subscription = subscriptions[i];
        const u = subscription.u;
        if (u.tag === eventtype.clock) {
          deadlines ??= new Array<bigint>(subscriptions.length);
          const deadline = deadlineOf(u.value, start);
          deadlines[i] = deadline;
          if (earliest < 0n || deadline < earliest) earliest = deadline;
        } else {
          events.push(fdEvent(subscription, u.tag, u.value.file_descriptor));
        }
      }
      if (deadlines !== null) {
        let now = clock.now(clockid.monotonic);
        if (events.length === 0) {
          while (now < earliest) {
            ctx.sleep(earliest - now);
            now = clock.now(clockid.monotonic);
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
    },
  };
}
