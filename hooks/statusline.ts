// smart-session-retry status line: `{"statusLine":{"type":"command","command":"node <repo>/dist/hooks/statusline.cjs"}}`
// (or `session-retry statusline`) in Claude Code's settings. Claude Code runs it after every turn
// with the status-line JSON on stdin; it records `rate_limits` to <home>/usage.json and prints one
// line, e.g. `5h 42% · 7d 10% · resumes 15:04 (in 1h 12m)`. Bundled into one CommonJS file that
// imports only node: built-ins, so it starts as fast as Node can. Always exits 0, never a stack.
import { readInput, runStatusline } from '../src/usage/run-statusline.js'

export interface StatuslineIo {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean }
  stdout(text: string): void
  env: NodeJS.ProcessEnv
  now(): number
}

const processIo: StatuslineIo = {
  stdin: process.stdin,
  stdout: text => void process.stdout.write(text),
  env: process.env,
  now: Date.now,
}

export async function main(io: StatuslineIo = processIo): Promise<number> {
  let line = 'session-retry: no usage'
  try {
    const text = await readInput(io.stdin)
    line = runStatusline(text, { env: io.env, now: io.now() }).line
  } catch {
    // runStatusline does not throw; keep the default line if anything else did
  }
  io.stdout(`${line}\n`)
  return 0
}

void main().then(code => {
  process.exitCode = code
})
