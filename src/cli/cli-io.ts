// Everything a command touches outside its arguments: output, environment, folder and clock.
// `main` gets one of these, so tests run commands in-process with captured output and a fixed
// clock, and the real entry point passes the process's own.

export interface CliIo {
  /** Writes exactly `text` (commands add their own newlines). */
  stdout(text: string): void
  stderr(text: string): void
  env: NodeJS.ProcessEnv
  cwd: string
  now(): number
  /**
   * Aborted when a long-running command (`logs -f`, `supervisor run`) should stop. When absent,
   * those commands listen for SIGINT and SIGTERM themselves, and only while they run.
   */
  signal?: AbortSignal
}

export function processIo(): CliIo {
  return {
    stdout: text => void process.stdout.write(text),
    stderr: text => void process.stderr.write(text),
    env: process.env,
    cwd: process.cwd(),
    now: Date.now,
  }
}

export interface CapturedIo extends CliIo {
  /** Everything written to stdout so far. */
  readonly out: string
  readonly err: string
}

/** An io that keeps what is written, for tests and for callers that embed the CLI. */
export function captureIo(options: Partial<Omit<CliIo, 'stdout' | 'stderr'>> = {}): CapturedIo {
  let out = ''
  let err = ''
  return {
    stdout: text => void (out += text),
    stderr: text => void (err += text),
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
    now: options.now ?? Date.now,
    signal: options.signal,
    get out() {
      return out
    },
    get err() {
      return err
    },
  }
}
