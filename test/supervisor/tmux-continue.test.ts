// An open session Claude Code will not continue by itself is continued in its own tmux pane, once,
// when SESSION_RETRY_TMUX_CONTINUE is on, and never while someone is typing in that pane. The real
// TUI under tmux, against the fake API, with its own auto-continue off and its limit question
// dismissed (the user chose to stop and wait), so after the grace period it sits at an input line.
import t from 'tap'
import type { Test } from 'tap'
import { randomUUID } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { startFakeApi } from '../helpers/fake-anthropic-api.js'
import { makeSandbox } from '../helpers/claude-cli.js'
import { repoRoot } from '../helpers/hook-process.js'
import { startSupervisor, supervisorEnv, waitForState } from '../helpers/supervisor-process.js'
import { startClaudeTui } from '../helpers/tmux.js'

const PROMPT = 'Limit over: carry on with the thing you were building'

// Each test has its own fake API, sandbox, supervisor and tmux server, and spends most of its time
// waiting for the owner's grace period: the two run side by side.
t.jobs = 2

async function limitedTui(t: Test) {
  const api = await startFakeApi()
  t.teardown(() => api.close())
  const sb = await makeSandbox(api)
  t.teardown(() => sb.cleanup())
  writeFileSync(join(sb.home, '.claude', 'settings.json'), JSON.stringify({ autoContinueAtUsageLimit: false }))
  const home = join(sb.home, '.devflow')
  // The grace is the time the test has to see the limit question and dismiss it: the supervisor
  // must find an input line, not the question, when it tries the pane.
  const env = supervisorEnv(sb.env, home, { SESSION_RETRY_OWNER_GRACE: '8', SESSION_RETRY_TMUX_CONTINUE: 'true', SESSION_RETRY_RESUME_PROMPT: PROMPT })
  const supervisor = await startSupervisor(env)
  t.teardown(() => supervisor.stop())
  const id = randomUUID()
  const tui = await startClaudeTui(sb, { args: ['--plugin-dir', repoRoot, '--session-id', id], env: { SESSION_RETRY_HOME: home }, tmuxEnv: true })
  t.teardown(() => tui.kill())
  // The supervisor takes the reset from the transcript row when it is on disk in time, else from
  // the banner, which shows minutes and is waited for to the end of its minute: a reset seconds
  // ahead was sometimes waited for most of a minute. One on the minute before this one has passed
  // either way when the limit is seen, so the limit lingers and the retry comes after the margin.
  api.enqueue({ kind: 'limit', resetEpoch: Math.floor(Date.now() / 60_000) * 60 - 60 })
  await tui.waitFor(/❯/, 40_000)
  await tui.submit('build the thing')
  await tui.waitFor(/What do you want to do\?/, 40_000)
  await tui.keys('Escape')
  await tui.waitFor(/^─{10,}\s*\n❯/m, 20_000)
  return { api, home, id, tui, supervisor }
}

function journalFile(home: string, id: string): string {
  return join(home, 'sessions', 'events', `${id}.jsonl`)
}

function journalEvents(home: string, id: string): Array<Record<string, any>> {
  return readFileSync(journalFile(home, id), 'utf8').split('\n').filter(Boolean).map(line => JSON.parse(line))
}

t.test('the open session is continued in its tmux pane, exactly once', async t => {
  const { home, id, tui, supervisor } = await limitedTui(t)
  const state = await waitForState(home, id, s => s.state === 'active' && s.supervisor.snapshot.context.lastResume?.mode === 'tmux', 'active after the tmux continuation', 120_000)
  t.equal(state.supervisor.snapshot.context.lastResume.outcome, 'owner-continued', 'the owner\'s own hooks said it went on')
  // Nothing more happens: the continued turn ends (its Stop is journaled and applied), and the
  // supervisor then checks the session on two more ticks, where a second attempt would start.
  await waitForState(home, id, s => {
    const events = journalEvents(home, id)
    const continued = events.map(e => e.event).lastIndexOf('UserPromptSubmit')
    return events.slice(continued + 1).some(e => e.event === 'Stop') && s.supervisor.offset === statSync(journalFile(home, id)).size
  }, 'the continued turn\'s Stop applied', 60_000)
  await supervisor.moreTicks(2)
  const screen = await tui.capture(200)
  t.equal(screen.split(PROMPT).length - 1, 1, 'the resume prompt went into the pane once')
  const events = journalEvents(home, id)
  const started = events.filter(e => e.event === 'ResumeStarted' && e.mode === 'tmux')
  const outcomes = events.filter(e => e.event === 'TmuxContinued')
  t.equal(started.length, 1, 'one tmux attempt')
  t.equal(outcomes.length, 1, 'one outcome')
  t.equal(outcomes[0]?.sent, true)
  t.equal(started[0]?.tmuxPane, '%1')
  t.equal(events.filter(e => e.event === 'UserPromptSubmit' && !e.runAttempt).length, 2, 'the user\'s prompt and the continuation, both in the owner')
  const resumeLogs = existsSync(join(home, 'logs', 'resume')) ? readdirSync(join(home, 'logs', 'resume')) : []
  t.same(resumeLogs, [], 'no second writer: no claude --resume was started')
  t.ok(await tui.alive(), 'the owner still runs')
})

t.test('a pane with text in its input line is left alone', async t => {
  const { home, id, tui, supervisor } = await limitedTui(t)
  await tui.type('half a thought')
  const state = await waitForState(home, id, s => s.state === 'needsUser' && s.supervisor.snapshot.context.lastResume?.mode === 'tmux', 'needsUser after the tmux attempt', 120_000)
  t.match(state.needsUserReason, /someone is typing in tmux pane %1/)
  t.equal(state.supervisor.snapshot.context.lastResume.outcome, 'tmux-not-sent')
  const screen = await tui.capture()
  t.match(screen, /❯[\s\u00a0]half a thought/, 'what the user typed is untouched')
  t.notMatch(screen, new RegExp(PROMPT), 'nothing was typed')
  // Two more ticks, each checking the session again: where a second try would start.
  await supervisor.moreTicks(2)
  const events = journalEvents(home, id)
  t.equal(events.filter(e => e.event === 'ResumeStarted' && e.mode === 'tmux').length, 1, 'no second try')
  t.equal(events.filter(e => e.event === 'TmuxContinued' && e.sent === false).length, 1)
})
