// The real Claude Code CLI (interactive, under tmux) runs the built status line after a turn
// against the fake API answering with usage headers: usage.json holds the exact figures, and the
// status bar shows the line, with the resume hint of a waiting session of this project.
// Needs dist/ built (`npm test` builds; or `node scripts/build.mjs --keep`).
import t from 'tap'
import { readFileSync, statSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startFakeApi } from '../helpers/fake-anthropic-api.js'
import { makeSandbox } from '../helpers/claude-cli.js'
import { startClaudeTui } from '../helpers/tmux.js'
import { waitFor } from '../helpers/wait-for.js'

const bundle = fileURLToPath(new URL('../../dist/hooks/statusline.cjs', import.meta.url))

t.test('interactive Claude Code → status line → usage.json', async t => {
  const api = await startFakeApi()
  t.teardown(() => api.close())
  const sb = await makeSandbox(api)
  t.teardown(() => sb.cleanup())
  const now = Math.floor(Date.now() / 1000)
  const fiveHourReset = now + 3600
  const sevenDayReset = now + 86400
  api.setDefault({ kind: 'text', text: 'Hello from the usage test', usage: { fiveHour: 0.42, sevenDay: 0.1, fiveHourReset, sevenDayReset } })

  // SESSION_RETRY_HOME is not set: the status line uses ~/.devflow of the sandbox's HOME
  const home = join(sb.home, '.devflow')
  await mkdir(join(home, 'sessions'), { recursive: true, mode: 0o700 })
  const retryAt = new Date(Date.now() + 2 * 3600_000 + 30_000)
  await writeFile(join(home, 'sessions', 'resume_schedule.json'), JSON.stringify({
    updatedAt: new Date().toISOString(),
    schedules: [{ sessionId: 'waiting-one', state: 'scheduled', retryAt: retryAt.toISOString(), reason: 'banner', attempt: 1, cwd: sb.cwd, limitKind: 'five_hour', resetAt: null }],
  }))
  await writeFile(join(sb.home, '.claude', 'settings.json'), JSON.stringify({
    statusLine: { type: 'command', command: `${process.execPath} ${bundle}` },
  }))

  const started = Date.now()
  const tui = await startClaudeTui(sb)
  t.teardown(() => tui.kill())
  await tui.waitFor('❯', 30_000)
  await tui.submit('say hi')
  await tui.waitFor('Hello from the usage test')

  const usagePath = join(home, 'usage.json')
  const usage = await waitFor(() => {
    try {
      return JSON.parse(readFileSync(usagePath, 'utf8')) as Record<string, unknown>
    } catch {
      return undefined
    }
  }, { timeoutMs: 20_000, what: usagePath })
  t.same(usage, {
    schema: 1,
    source: 'statusline',
    updatedAt: usage.updatedAt,
    fiveHour: { usedPercentage: 42, resetsAt: new Date(fiveHourReset * 1000).toISOString() },
    sevenDay: { usedPercentage: 10, resetsAt: new Date(sevenDayReset * 1000).toISOString() },
    sessionId: usage.sessionId,
  })
  t.match(usage.sessionId, /^[0-9a-f-]{36}$/, 'the session whose turn it was')
  t.equal(statSync(usagePath).mode & 0o777, 0o600)

  const hh = String(retryAt.getUTCHours()).padStart(2, '0')
  const mm = String(retryAt.getUTCMinutes()).padStart(2, '0')
  const screen = await tui.waitFor(new RegExp(`5h 42% · 7d 10% · resumes (\\w{3} )?${hh}:${mm} \\(in 2h\\)`))
  t.ok(screen, 'the status bar shows usage and when the waiting session resumes')
  t.ok(await tui.alive())
  t.comment(`TUI start to usage.json and status bar: ${Date.now() - started} ms`)
})
