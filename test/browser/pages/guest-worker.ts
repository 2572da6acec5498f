// The Web Worker that runInWebWorker starts: it runs the guest.
import { serveGuestInWorker } from "witx-wasi/portable";

serveGuestInWorker();
