// smart-session-retry status line: `{"statusLine":{"type":"command","command":"node <repo>/dist/hooks/statusline.cjs"}}`
// (or `session-retry statusline`) in Claude Code's settings. Claude Code runs it after every turn
// with the status-line JSON on stdin; it records `rate_limits` to <home>/usage.json and prints one
// line, e.g. `5h 42% · 7d 10% · resumes 15:04 (in 1h 12m)`. Bundled into one CommonJS file that
// imports only node: built-ins, so it starts as fast as Node can. Always exits 0, never a stack.
import { statuslineMain } from '../src/usage/statusline-main.js'

void statuslineMain().then(code => {
  process.exitCode = code
})
