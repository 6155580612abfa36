// "Stop when the user asks": the io's AbortSignal when a caller gave one, else SIGINT/SIGTERM,
// listened to while a long-running command runs. The listener stays until dispose(): with `once`,
// signal-exit (used by write-file-atomic) saw no other listener on the signal and re-raised it,
// killing the supervisor mid-shutdown. A second signal during the shutdown ends the process.
import type { CliIo } from './cli-io.js'

export interface StopRequest {
  signal: AbortSignal
  /** Resolves when the stop is requested. */
  requested: Promise<void>
  dispose(): void
}

export function stopRequest(io: CliIo): StopRequest {
  const controller = new AbortController()
  const stop = (signal?: NodeJS.Signals): void => {
    if (controller.signal.aborted && signal) process.exit(130)
    controller.abort()
  }
  const onAbort = (): void => stop()
  const outer = io.signal
  const listened = outer ? [] : (['SIGINT', 'SIGTERM'] as const)
  if (outer) {
    if (outer.aborted) stop()
    else outer.addEventListener('abort', onAbort, { once: true })
  }
  for (const name of listened) process.on(name, stop)
  const requested = new Promise<void>(resolve => {
    if (controller.signal.aborted) resolve()
    else controller.signal.addEventListener('abort', () => resolve(), { once: true })
  })
  return {
    signal: controller.signal,
    requested,
    dispose() {
      outer?.removeEventListener('abort', onAbort)
      for (const name of listened) process.removeListener(name, stop)
    },
  }
}

/** Waits `ms`, or less if the stop is requested first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise(resolve => {
    if (signal?.aborted) return resolve()
    const done = (): void => {
      clearTimeout(timer)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    signal?.addEventListener('abort', done, { once: true })
  })
}
