// The Web Worker that runInWebWorker starts (bundled to guest-worker.js): it runs the guest.
import { serveGuestInWorker } from "witx-wasi/portable";

serveGuestInWorker();
