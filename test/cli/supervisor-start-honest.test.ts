// An honest supervisor start, with the real hook, the real (bundled) CLI and real supervisors: a
// supervisor that dies at start is reported as such by the autostart and by doctor, and a second
// home on a busy port says its HTTP API did not start. Needs dist/ built.
import t from 'tap'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { repoRoot, runHook, waitForSpoolDrained } from '../helpers/hook-process.js'
import { waitFor } from '../helpers/wait-for.js'
import { runProcess, type Run } from '../helpers/run-process.js'
import { processDir } from '../helpers/process-dir.js'

const cli = join(repoRoot, 'dist', 'src', 'cli', 'main.js')

function sessionStart(): string {
  return JSON.stringify({ session_id: '0a38aaaa-1111-2222-3333-444455556666', cwd: '/home/u/app', transcript_path: '/home/u/app/x.jsonl', hook_event_name: 'SessionStart', source: 'startup' })
}

function sessionRetry(args: string[], env: Record<string, string>): Promise<Run> {
  return runProcess(process.execPath, [cli, ...args], { env: { PATH: process.env.PATH, HOME: process.env.HOME, TZ: 'UTC', ...env } })
}

function hookLog(home: string): string {
  try {
    return readFileSync(join(home, 'logs', 'hook.log'), 'utf8')
  } catch {
    return ''
  }
}

async function doctorCheck(env: Record<string, string>, name: string): Promise<{ ok: boolean; detail: string }> {
  const run = await sessionRetry(['doctor', '--json'], env)
  return JSON.parse(run.stdout).checks.find((c: { name: string }) => c.name === name)
}

t.test('autostart: a supervisor that dies at start is reported, in hook.log and by doctor', async t => {
  const home = join(processDir(t), 'home')
  // Claude Code's environment holds a bad setting: the supervisor refuses it and exits 2.
  const env = { SESSION_RETRY_HOME: home, SESSION_RETRY_AUTOSTART: 'true', SESSION_RETRY_PORT: '0', SESSION_RETRY_MAX_ATTEMPTS: 'lots' }
  await runHook(sessionStart(), env)
  const log = await waitFor(() => /no supervisor was running/.test(hookLog(home)) && hookLog(home), { timeoutMs: 30_000, what: 'the autostart verdict in hook.log' })
  t.match(log, /no supervisor was running; the one it started exited with code 2 before it was ready: session-retry: SESSION_RETRY_MAX_ATTEMPTS="lots" is not a whole number\n/)
  t.notMatch(log, /started one/, 'no claim that it started')
  // The user's shell does not have the bad setting; doctor still names the failed start.
  const supervisor = await doctorCheck({ SESSION_RETRY_HOME: home, SESSION_RETRY_PORT: '0' }, 'supervisor')
  t.equal(supervisor.ok, false)
  t.match(supervisor.detail, /^not running: its last start \(\S+, autostart: SessionStart hook, pid \d+\) died before it was ready: session-retry: SESSION_RETRY_MAX_ATTEMPTS="lots" is not a whole number/)
})

t.test('autostart: a supervisor that starts is reported with its address', async t => {
  const home = join(processDir(t), 'home')
  const env = { SESSION_RETRY_HOME: home, SESSION_RETRY_AUTOSTART: 'true', SESSION_RETRY_PORT: '0', SESSION_RETRY_CLAUDE_INTEGRATION: 'false' }
  t.teardown(() => sessionRetry(['supervisor', 'stop'], env))
  await runHook(sessionStart(), env)
  await waitForSpoolDrained(home)
  const log = await waitFor(() => /no supervisor was running/.test(hookLog(home)) && hookLog(home), { timeoutMs: 30_000, what: 'the autostart verdict in hook.log' })
  const [, pid, port] = /no supervisor was running; started one \(pid (\d+), HTTP on 127\.0\.0\.1:(\d+)\)\n/.exec(log) ?? []
  t.ok(Number(pid) > 0 && Number(port) > 0, log)
  const status = await sessionRetry(['supervisor', 'status', '--json'], env)
  t.match(JSON.parse(status.stdout), { running: true, pid: Number(pid), http: { url: `http://127.0.0.1:${port}`, problem: null } })
})

t.test('two homes, one port: the second says its API did not start; status and doctor agree', async t => {
  const base = processDir(t)
  const first = { SESSION_RETRY_HOME: join(base, 'a'), SESSION_RETRY_PORT: '0', SESSION_RETRY_CLAUDE_INTEGRATION: 'false' }
  t.teardown(() => sessionRetry(['supervisor', 'stop'], first))
  const a = await sessionRetry(['supervisor', 'start'], first)
  t.equal(a.code, 0, a.stderr)
  const [, pidA, port] = /^supervisor started \(pid (\d+), HTTP on http:\/\/127\.0\.0\.1:(\d+)\)\n$/.exec(a.stdout) ?? []
  t.ok(port, a.stdout)

  const second = { SESSION_RETRY_HOME: join(base, 'b'), SESSION_RETRY_PORT: port!, SESSION_RETRY_CLAUDE_INTEGRATION: 'false' }
  t.teardown(() => sessionRetry(['supervisor', 'stop'], second))
  const b = await sessionRetry(['supervisor', 'start'], second)
  t.equal(b.code, 0, 'it runs: its sessions are still resumed')
  t.match(b.stdout, new RegExp(`^supervisor started \\(pid \\d+\\), but its HTTP API did not start: .*${port}.* already in use`))
  t.match(b.stderr, /it resumes sessions all the same/)

  const statusA = await sessionRetry(['supervisor', 'status'], first)
  t.match(statusA.stdout, `supervisor: running (pid ${pidA})\nhttp: http://127.0.0.1:${port}\n`)
  const statusB = await sessionRetry(['supervisor', 'status'], second)
  t.match(statusB.stdout, /^supervisor: running \(pid \d+\)\nhttp: none — its HTTP API did not start: .* already in use/)
  const portCheck = await doctorCheck(second, `port ${port}`)
  t.match(portCheck, { ok: false, detail: `in use by another program (pid ${pidA}): set SESSION_RETRY_PORT` })
})
