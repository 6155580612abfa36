// continueInPane against a real tmux server: the pane runs a small stand-in for Claude Code's
// input box (a rule, then `❯ ` and the cursor) that records every line it is given. The server is
// found the way the runner finds it: from the owner's TMUX variable.
import t from 'tap'
import type { Test } from 'tap'
import { spawn } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { continueInPane, isDescendant, tmuxRunner, tmuxSocketOf } from '../../src/supervisor/tmux-continue.js'
import { processDir } from '../helpers/process-dir.js'
import { startTmux } from '../helpers/tmux.js'

/**
 * `normal`: draws an empty input line again after each line it is given. `noecho`: what is typed
 * does not show. `sticky`: after a line, the input line still holds text.
 */
const INPUT_BOX = `#!/bin/sh
draw() { printf '\\033[H\\033[2Jsome output\\n%s\\n\\342\\235\\257 %s' '────────────────────' "$1"; }
[ "$1" = noecho ] && stty -echo
draw ''
while IFS= read -r line; do
  printf '%s\\n' "$line" >> "$2"
  if [ "$1" = sticky ]; then draw 'still here'; else draw ''; fi
done
`

async function pane(t: Test, mode: 'normal' | 'noecho' | 'sticky') {
  const dir = processDir(t)
  const file = join(dir, 'input-box')
  writeFileSync(file, INPUT_BOX, { mode: 0o755 })
  const lines = join(dir, 'lines')
  const session = await startTmux({ file, args: [mode, lines], cwd: dir, env: { LANG: 'C.UTF-8', PATH: process.env.PATH }, width: 80, height: 10, tmuxEnv: true })
  t.teardown(() => session.kill())
  await session.waitFor(/^─{10,}\s*\n❯/m)
  const ownerPid = await session.panePid()
  const tmux = tmuxRunner(tmuxSocketOf(ownerPid))
  const paneId = (await tmux(['display-message', '-p', '-t', `${session.name}:0.0`, '#{pane_id}'])).trim()
  return { ownerPid, tmux, paneId, session, received: () => (existsSync(lines) ? readFileSync(lines, 'utf8').split('\n').slice(0, -1) : []) }
}

// Real waits between reads of the pane; long enough for a busy machine to show what was typed.
const quick = { sleep: (ms: number) => new Promise<void>(resolve => setTimeout(resolve, ms)), readBackMs: 3000 }

t.test('the prompt is typed on one line, seen in the input line, then submitted', async t => {
  const p = await pane(t, 'normal')
  const result = await continueInPane({ pane: p.paneId, ownerPid: p.ownerPid, keys: { prompt: 'go on\nfrom where  you stopped' }, tmux: p.tmux, ...quick })
  t.same(result, { sent: true, detail: `typed the resume prompt into tmux pane ${p.paneId} and pressed Enter` })
  t.same(p.received(), ['go on from where you stopped'], 'one line: a newline would have submitted it early')
})

t.test('Enter alone, where the TUI waits for it', async t => {
  const p = await pane(t, 'normal')
  t.match(await continueInPane({ pane: p.paneId, ownerPid: p.ownerPid, keys: 'enter', tmux: p.tmux, ...quick }), { sent: true, detail: /pressed Enter/ })
  t.same(p.received(), [''])
})

t.test('what was typed does not show: Enter is not pressed', async t => {
  const p = await pane(t, 'noecho')
  t.match(await continueInPane({ pane: p.paneId, ownerPid: p.ownerPid, keys: { prompt: 'go on' }, tmux: p.tmux, ...quick, readBackMs: 500 }), { sent: false, detail: /did not show in the input line .*Enter was not pressed/ })
  t.same(p.received(), [], 'nothing submitted')
})

t.test('the input line still holds text after Enter: not reported as sent', async t => {
  const p = await pane(t, 'sticky')
  t.match(await continueInPane({ pane: p.paneId, ownerPid: p.ownerPid, keys: { prompt: 'go on' }, tmux: p.tmux, ...quick }), { sent: false, detail: /still holds "still here"/ })
  t.same(p.received(), ['go on'])
})

t.test('someone is typing: nothing is sent', async t => {
  const p = await pane(t, 'normal')
  await p.session.type('half a thought')
  await p.session.waitFor('half a thought')
  t.match(await continueInPane({ pane: p.paneId, ownerPid: p.ownerPid, keys: 'enter', tmux: p.tmux, ...quick }), { sent: false, detail: /someone is typing/ })
  t.same(p.received(), [])
})

t.test('the owner must run in the pane: a process elsewhere is refused', async t => {
  const p = await pane(t, 'normal')
  t.match(await continueInPane({ pane: p.paneId, ownerPid: process.pid, keys: 'enter', tmux: p.tmux, ...quick }), { sent: false, detail: /no longer runs Claude Code process/ })
  t.same(p.received(), [])
})

t.test('the tmux server of a process, from its TMUX variable; descendants from /proc', async t => {
  const child = spawn('/bin/sh', ['-c', 'read x'], { env: { TMUX: '/tmp/tmux-0/custom,123,4' }, stdio: ['pipe', 'ignore', 'ignore'] })
  t.teardown(() => child.kill('SIGKILL'))
  const plain = spawn('/bin/sh', ['-c', 'read x'], { env: {}, stdio: ['pipe', 'ignore', 'ignore'] })
  t.teardown(() => plain.kill('SIGKILL'))
  t.equal(tmuxSocketOf(child.pid!), '/tmp/tmux-0/custom')
  t.equal(tmuxSocketOf(plain.pid!), null, 'no TMUX: the default server')
  t.equal(tmuxSocketOf(2 ** 22 + 1), null, 'no such process')
  t.ok(isDescendant(child.pid!, process.pid), 'a child runs under its parent')
  t.notOk(isDescendant(process.pid, child.pid!), 'not the other way round')
  t.notOk(isDescendant(2 ** 22 + 1, process.pid), 'no such process')
})

t.test('a tmux that fails rejects with its first line of error', async t => {
  await t.rejects(tmuxRunner(null, '/nonexistent/tmux')(['list-sessions']), /ENOENT|nonexistent/)
  await t.rejects(tmuxRunner('/nonexistent/socket')(['list-sessions']), /no server running|error connecting|No such file/)
})
