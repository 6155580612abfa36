// The dashboard in a real headless Chromium against a real supervisor process on real files:
// the fixture home's sessions are on the page; a journal line written meanwhile reaches the page
// through the event stream, without a reload; countdowns tick; resume and cancel with the token
// (handed over by `session-retry dashboard`) land in the journal, and without it are refused; the
// page breaks none of its own Content-Security-Policy; 500 sessions page cleanly. Screenshots
// (light, dark, narrow, 500 sessions) are kept in .tap/dashboard-screenshots/ for a person to see.
import t from 'tap'
import { execFileSync } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { appendRecord } from '../../src/journal/append-record.js'
import { homePaths, sessionFile, type HomePaths } from '../../src/home/home-paths.js'
import { Browser, findChromium } from '../helpers/chromium.js'
import { repoRoot } from '../helpers/hook-process.js'
import { cliMain, startSupervisor, type SupervisorProcess } from '../helpers/supervisor-process.js'
import { waitFor } from '../helpers/wait-for.js'
import { processDir } from '../helpers/process-dir.js'
import { freePort } from '../helpers/free-port.js'

const SCREENSHOTS = join(repoRoot, '.tap', 'dashboard-screenshots')
/** A supervisor holding hundreds of sessions has been seen to outlive SIGTERM; it is killed after this. */
const STOP_DEADLINE_MS = 20_000
const chromium = findChromium()

if (!chromium) {
  const why = 'chromium is not installed (Debian: apt-get install chromium; .ci/run installs it), so the dashboard browser test cannot run'
  t.comment(why)
  if (process.env.CI) t.fail(why)
  else t.test('the dashboard in Chromium against a real supervisor', { skip: why }, async () => {})
} else {
  t.test('the dashboard in Chromium against a real supervisor', async t => main(t, chromium))
}

type Test = Parameters<Parameters<typeof t.test>[0]>[0]

/** A hook line; `hoursAgo` backdates it (the timeline places transitions at their lines' times). */
function journal(paths: HomePaths, sessionId: string, event: string, fields: Record<string, unknown> = {}, hoursAgo = 0): void {
  const ts = new Date(Date.now() - hoursAgo * 3_600_000).toISOString()
  appendRecord(paths, { v: 1, id: randomUUID(), ts, event, sessionId, origin: 'hook', ...fields })
}

function journalEvents(paths: HomePaths, sessionId: string): { event: string; origin: string }[] {
  const file = sessionFile(paths, sessionId, 'journal')
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean).map(line => JSON.parse(line)) : []
}

async function stopWithin(t: Test, supervisor: SupervisorProcess, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<'late'>(resolve => (timer = setTimeout(() => resolve('late'), ms)))
  const outcome = await Promise.race([supervisor.stop(), late])
  clearTimeout(timer)
  if (outcome !== 'late') return
  t.comment(`the supervisor was still running ${ms} ms after SIGTERM; killed`)
  await supervisor.kill()
}

/**
 * The fixture home: a session waiting for a known reset, one waiting to be cancelled, one working,
 * one that ended this morning, and one that ended two days ago (outside the timeline's 24 h).
 */
function fixture(paths: HomePaths, projects: string) {
  const ids = { waiting: randomUUID(), cancelMe: randomUUID(), running: randomUUID(), ended: randomUUID(), old: randomUUID() }
  const hours = (n: number) => Date.now() + n * 3_600_000
  // A real folder: a resume runs only in the session's own folder.
  mkdirSync(join(projects, 'billing-service'), { recursive: true })
  journal(paths, ids.waiting, 'SessionStart', { cwd: join(projects, 'billing-service'), source: 'startup' }, 3)
  journal(paths, ids.waiting, 'LimitReported', { message: "You've hit your session limit", resetAt: hours(2) }, 3)
  journal(paths, ids.cancelMe, 'SessionStart', { cwd: '/home/dev/work/docs-site', source: 'startup' }, 9)
  journal(paths, ids.cancelMe, 'LimitReported', { message: "You've hit your weekly limit", resetAt: hours(30) }, 8)
  journal(paths, ids.running, 'SessionStart', { cwd: '/home/dev/work/web-app', source: 'startup' }, 1)
  journal(paths, ids.running, 'UserPromptSubmit', { promptLength: 12 }, 1)
  journal(paths, ids.ended, 'SessionStart', { cwd: '/home/dev/experiments/a-rather-long-folder-name/that-goes-on/old-experiment', source: 'startup' }, 16)
  journal(paths, ids.ended, 'SessionEnd', { reason: 'prompt_input_exit' }, 14)
  journal(paths, ids.old, 'SessionStart', { cwd: '/home/dev/work/last-week', source: 'startup' }, 50)
  journal(paths, ids.old, 'SessionEnd', { reason: 'prompt_input_exit' }, 49)
  writeFileSync(
    paths.usageFile,
    JSON.stringify({ source: 'statusline', updatedAt: new Date().toISOString(), fiveHour: { usedPercentage: 73, resetsAt: new Date(hours(2)).toISOString() }, sevenDay: null }),
  )
  return ids
}

/** Where the page shows a session: its group, or null when it is not on the page. */
const groupOf = (id: string) => `(document.querySelector('[data-session="${id}"]')?.closest('[data-group]')?.dataset.group ?? null)`

async function main(t: Test, bin: string) {
  mkdirSync(SCREENSHOTS, { recursive: true })
  const dir = processDir(t, { home: {}, bin: {} })
  // Registered after processDir: teardowns run last-registered first, so the processes stop before
  // their folder is removed.
  const stops: (() => Promise<unknown>)[] = []
  t.teardown(async () => {
    for (const stop of stops.reverse()) await stop()
  })
  const home = join(dir, 'home')
  const paths = homePaths(home)
  const ids = fixture(paths, join(dir, 'projects'))
  // A stand-in for the desktop's opener: records the file it was asked to open.
  const opened = join(dir, 'opened.txt')
  writeFileSync(join(dir, 'bin', 'xdg-open'), `#!/bin/sh\nprintf '%s' "$1" > '${opened}'\n`)
  chmodSync(join(dir, 'bin', 'xdg-open'), 0o755)
  const port = await freePort()
  const env = {
    PATH: `${join(dir, 'bin')}:${process.env.PATH}`,
    HOME: dir,
    SESSION_RETRY_HOME: home,
    SESSION_RETRY_PORT: String(port),
    // A resume really runs, and fails to start: its last run and the "needs you" group are shown.
    SESSION_RETRY_CLAUDE_BIN: 'claude-that-does-not-exist',
    SESSION_RETRY_MONITOR_INTERVAL: '1',
    SESSION_RETRY_STAGGER: '0',
  }
  const supervisor = await startSupervisor(env)
  stops.push(() => stopWithin(t, supervisor, STOP_DEADLINE_MS))
  const browser = await Browser.launch(bin)
  stops.push(() => browser.close())
  const base = `http://127.0.0.1:${port}/`

  // `session-retry dashboard` writes the hand-over page and opens it; the browser follows it.
  const cli = execFileSync(process.execPath, [cliMain, 'dashboard'], { env, encoding: 'utf8' })
  t.equal(cli, `opened the dashboard in your browser: ${base}\n`, 'the CLI says where, without the token')
  const handoff = readFileSync(opened, 'utf8')
  t.match(handoff, /^file:\/\/.*\/home\/dashboard\.html$/, 'the opener got a file, not the token')
  t.equal(readFileSync(paths.dashboardHandoff, 'utf8').includes(readFileSync(paths.tokenFile, 'utf8').trim()), true, 'the file holds the token')

  const page = await browser.newPage()
  await page.viewport(1280, 900)
  await page.goto(handoff)
  await page.waitFor(`location.href === ${JSON.stringify(base)} && document.querySelectorAll('.session').length === 5`, 'the dashboard with 5 sessions')
  t.equal(await page.evaluate('location.hash'), '', 'the token is gone from the address bar')
  t.equal(await page.evaluate('document.querySelector("#read-only").hidden'), true, 'no read-only notice: the page has the token')
  await page.waitFor(`document.querySelector('#connection').dataset.state === 'live'`, 'the live stream')

  await t.test('the fixture home is on the page, grouped by need', async t => {
    t.equal(await page.evaluate(groupOf(ids.waiting)), 'waiting')
    t.equal(await page.evaluate(groupOf(ids.cancelMe)), 'waiting')
    t.equal(await page.evaluate(groupOf(ids.running)), 'running')
    t.equal(await page.evaluate(groupOf(ids.ended)), 'done')
    t.equal(await page.evaluate(groupOf(ids.old)), 'done')
    const row = await page.evaluate(`document.querySelector('[data-session="${ids.waiting}"]').textContent`)
    t.match(row, /\/projects\/billing-service/, 'folder')
    t.match(row, /5-hour · resets/, 'limit kind and reset')
    t.match(row, /retry\s*in \d/, 'countdown to the retry')
    t.match(row, /attempts\s*0/, 'attempts')
    t.match(await page.evaluate(`document.querySelector('#usage-figure').textContent`), /^73 %$/, 'usage figure')
    t.match(await page.evaluate(`document.querySelector('#usage-source').textContent`), /status line \(exact\)/, 'usage source')
    t.equal(await page.evaluate(`document.querySelector('#health-status').textContent`), 'OK', 'supervisor health')
    const timeline = await page.evaluate<string[]>(`[...document.querySelectorAll('#timeline li code')].map(c => c.title)`)
    t.same(new Set(timeline), new Set([ids.waiting, ids.cancelMe, ids.ended]), 'the timeline has the last 24 h of transitions, nothing older')
    t.equal(await page.evaluate(`document.querySelectorAll('#strip .mark').length`), timeline.length, 'one mark per transition on the strip')
  })

  await t.test('a countdown ticks', async t => {
    const selector = `document.querySelector('[data-session="${ids.waiting}"] time[data-until]').textContent`
    const first = await page.evaluate<string>(selector)
    const second = await page.waitFor<string>(`(${selector}) !== ${JSON.stringify(first)} && (${selector})`, 'the countdown to move', 15_000)
    t.not(second, first, `${first} → ${second}`)
  })

  await t.test('a journal line reaches the page through the stream, without a reload', async t => {
    await page.evaluate('window.notReloaded = true')
    const started = Date.now()
    journal(paths, ids.running, 'LimitReported', { message: "You've hit your session limit", resetAt: Date.now() + 3_600_000 })
    await page.waitFor(`${groupOf(ids.running)} === 'waiting'`, 'the running session to move to waiting', 30_000)
    const latency = Date.now() - started
    t.comment(`journal line → page: ${latency} ms`)
    t.equal(await page.evaluate('window.notReloaded'), true, 'same page, no reload')
    t.equal(await page.evaluate(`document.querySelector('#connection').dataset.state`), 'live', 'through the stream, not polling')
    t.ok(await page.evaluate(`[...document.querySelectorAll('#timeline li')].some(li => li.querySelector('code').title === '${ids.running}' && li.textContent.includes('scheduled'))`), 'the timeline has the new transition')
  })

  await t.test('resume and cancel with the token land in the journal', async t => {
    await page.evaluate(`document.querySelector('[data-session="${ids.waiting}"] button[data-action="resume"]').click()`)
    await waitFor(() => journalEvents(paths, ids.waiting).some(r => r.event === 'ResumeRequested' && r.origin === 'http'), { what: 'ResumeRequested in the journal' })
    t.match(await page.waitFor(`document.querySelector('#toast').textContent.startsWith('Resume requested') && document.querySelector('#toast').textContent`, 'the page to confirm'), /Resume requested/)
    await page.waitFor(`${groupOf(ids.waiting)} === 'needsYou'`, 'the resumed session, which could not start claude, to need the user')
    const run = await page.waitFor<string>(`document.querySelector('[data-session="${ids.waiting}"] .run')?.textContent`, 'its last run on the page')
    t.match(run, /last run #1 \(spawn\)failed.*could not start: command not found/, 'its last run')
    await page.evaluate(`document.querySelector('[data-session="${ids.cancelMe}"] button[data-action="cancel"]').click()`)
    await waitFor(() => journalEvents(paths, ids.cancelMe).some(r => r.event === 'ScheduleCancelled' && r.origin === 'http'), { what: 'ScheduleCancelled in the journal' })
    await page.waitFor(`${groupOf(ids.cancelMe)} === 'done'`, 'the cancelled session to be done')
    t.pass('both requests journaled and applied')
  })

  await t.test('screenshots: light, dark, narrow', async () => {
    await page.evaluate(`document.querySelector('[data-group="done"]').open = true`)
    await page.screenshot(join(SCREENSHOTS, 'light-1280.png'))
    await page.viewport(1280, 900, { dark: true })
    await page.screenshot(join(SCREENSHOTS, 'dark-1280.png'))
    await page.viewport(380, 800, { dark: false })
    await page.screenshot(join(SCREENSHOTS, 'narrow-380.png'))
    await page.viewport(1280, 900)
  })

  await t.test('without the token: read-only, and the API refuses', async t => {
    const bare = await browser.newPage()
    t.teardown(() => bare.close())
    await bare.goto(base)
    await bare.waitFor(`document.querySelectorAll('.session').length === 5`, 'the sessions')
    t.equal(await bare.evaluate(`document.querySelector('#read-only').hidden`), false, 'the read-only notice shows')
    t.equal(await bare.evaluate(`[...document.querySelectorAll('button[data-action]')].every(b => b.disabled)`), true, 'every action is disabled')
    const before = journalEvents(paths, ids.running).length
    const status = await bare.evaluate(`fetch('/sessions/${ids.running}/cancel', { method: 'POST' }).then(r => r.status)`)
    t.equal(status, 401, 'a POST without the token is refused')
    t.equal(journalEvents(paths, ids.running).length, before, 'nothing journaled')
    t.same(bare.violations, [], 'no CSP violation on the read-only page')
  })

  await t.test('500 sessions: paged, live', async t => {
    const many = Array.from({ length: 495 }, (_, i) => `bulk-${String(i).padStart(3, '0')}-${randomUUID().slice(0, 8)}`)
    for (const [i, id] of many.entries()) {
      journal(paths, id, 'SessionStart', { cwd: `/work/project-${i % 37}`, source: 'startup' })
      journal(paths, id, 'LimitReported', { message: "You've hit your session limit", resetAt: Date.now() + (2 + (i % 50) / 10) * 3_600_000 })
    }
    await page.waitFor(`document.querySelector('#counts').textContent.startsWith('500 of 500')`, 'all 500 sessions on the page', 120_000)
    t.equal(await page.evaluate(`document.querySelectorAll('[data-group="waiting"] .session').length`), 25, 'one page of 25 rows')
    t.match(await page.evaluate(`document.querySelector('[data-group="waiting"] .pager').textContent`), /1–25 of 49\d/)
    await page.evaluate(`[...document.querySelectorAll('[data-group="waiting"] .pager button')].at(-1).click()`)
    await page.waitFor(`document.querySelector('[data-group="waiting"] .pager').textContent.includes('26–50')`, 'the second page')
    await page.evaluate(`(() => { const f = document.querySelector('#filter'); f.value = 'project-36'; f.dispatchEvent(new Event('input')) })()`)
    await page.waitFor(`document.querySelector('#counts').textContent.startsWith('13 of 500')`, 'the filter')
    t.pass('filter narrows the list')
    await page.evaluate(`(() => { const f = document.querySelector('#filter'); f.value = ''; f.dispatchEvent(new Event('input')) })()`)
    await page.screenshot(join(SCREENSHOTS, 'sessions-500.png'))
  })

  await t.test('the page keeps its own Content-Security-Policy, which is enforced', async t => {
    t.same(page.violations, [], 'no CSP violation')
    const errors = page.console.filter(e => e.level === 'error' || /Content Security Policy|Trusted Type/i.test(e.text))
    t.same(errors, [], 'no console error')
    const innerHtml = await page.evaluate(`(() => { try { document.body.insertAdjacentHTML('beforeend', '<b>x</b>'); return 'allowed' } catch { return 'refused' } })()`)
    t.equal(innerHtml, 'refused', 'HTML from a string is refused (Trusted Types)')
    await page.evaluate(`(() => { const s = document.createElement('link'); s.rel = 'stylesheet'; s.href = 'data:text/css,body{color:red}'; document.head.append(s) })()`)
    await waitFor(() => page.violations.some(v => v.startsWith('style-src')), { what: 'a style-src violation for a foreign stylesheet' })
    t.pass('a stylesheet from elsewhere is blocked')
  })
}
