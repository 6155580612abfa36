// The whole `session-retry statusline` command: read the status-line JSON on stdin, record the
// usage, print one line, exit 0. Shared by the fast entry (hooks/statusline.ts, bundled to
// dist/hooks/statusline.cjs) and the CLI's `statusline` subcommand. Never throws, never a stack.
import { readFdInput, writeFdSync, type InputRead } from './fd-io.js'
import { MAX_STATUSLINE_INPUT_BYTES, runStatusline } from './run-statusline.js'
import { NO_USAGE_TEXT } from './statusline-text.js'

/** Stop waiting for stdin after this long: Claude Code writes it at once and closes it. */
export const STDIN_TIMEOUT_MS = 2_000

export interface StatuslineIo {
  readInput(): Promise<InputRead>
  /** writes exactly `text`, synchronously */
  write(text: string): void
  env: NodeJS.ProcessEnv
  now(): number
}

export function processStatuslineIo(): StatuslineIo {
  return {
    readInput: () => readFdInput(0, { maxBytes: MAX_STATUSLINE_INPUT_BYTES, timeoutMs: STDIN_TIMEOUT_MS }),
    write: text => void writeFdSync(1, text),
    env: process.env,
    now: Date.now,
  }
}

/**
 * Runs the command; returns the exit code (always 0). Claude Code writes the JSON and closes
 * stdin at once. If a caller keeps stdin open, the line is printed after STDIN_TIMEOUT_MS and the
 * process ends when stdin closes: a read blocked on libuv's thread pool cannot be abandoned (even
 * process.exit() waits for it), the price of reading fd 0 without the stream machinery.
 */
export async function statuslineMain(io: StatuslineIo = processStatuslineIo()): Promise<number> {
  let line = NO_USAGE_TEXT
  try {
    const input = await io.readInput()
    line = runStatusline(input.text, { env: io.env, now: io.now() }).line
  } catch {
    // runStatusline does not throw; keep the default line if anything else did
  }
  io.write(`${line}\n`)
  return 0
}
