// smart-session-retry status line: `{"statusLine":{"type":"command","command":"node <repo>/dist/hooks/statusline.cjs"}}`
// (or `session-retry statusline`) in Claude Code's settings. Claude Code runs it after every turn
// with the status-line JSON on stdin; it records `rate_limits` to <home>/usage.json and prints one
// line, e.g. `5h 42% · 7d 10% · resumes 15:04 (in 1h 12m)`. Bundled into one CommonJS file that
// imports only node: built-ins, so it starts as fast as Node can. Always exits 0, never a stack.
import { readInput, runStatusline } from '../src/usage/run-statusline.js'

export async function main(): Promise<number> {
  let line = 'session-retry: no usage'
  try {
    const text = await readInput(process.stdin)
    line = runStatusline(text, { env: process.env, now: Date.now() }).line
  } catch {
    // runStatusline does not throw; keep the default line if anything else did
  }
  process.stdout.write(`${line}\n`)
  return 0
}

void main().then(code => {
  process.exitCode = code
})
