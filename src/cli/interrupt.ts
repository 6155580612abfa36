// "Stop when the user asks": the io's AbortSignal when a caller gave one, else SIGINT/SIGTERM,
// listened to only while a long-running command runs (a second Ctrl-C then kills as usual).
import type { CliIo } from './cli-io.js'

export interface StopRequest {
  signal: AbortSignal
  /** Resolves when the stop is requested. */
  requested: Promise<void>
  dispose(): void
}

export function stopRequest(io: CliIo): StopRequest {
  const controller = new AbortController()
  const stop = (): void => controller.abort()
  const outer = io.signal
  const listened = outer ? [] : (['SIGINT', 'SIGTERM'] as const)
  if (outer) {
    if (outer.aborted) stop()
    else outer.addEventListener('abort', stop, { once: true })
  }
  for (const name of listened) process.once(name, stop)
  const requested = new Promise<void>(resolve => {
    if (controller.signal.aborted) resolve()
    else controller.signal.addEventListener('abort', () => resolve(), { once: true })
  })
  return {
    signal: controller.signal,
    requested,
    dispose() {
      outer?.removeEventListener('abort', stop)
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
