// A home that cannot be written for a while, with the real supervisor on a small tmpfs (root only):
// read-only for longer than the lock's stale time while it runs, and full before it starts. It keeps
// serving, /health says why, it starts no resume meanwhile, and it recovers when the home takes
// writes again: lock taken back, pid file and waiting state files written.
import t from 'tap'
import type { Test } from 'tap'
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { readState, startSupervisor, waitForState, type SupervisorProcess } from '../helpers/supervisor-process.js'
import { waitFor } from '../helpers/wait-for.js'

function mountTmpfs(t: Test, size: string): string | null {
  // Our own folder, not t.testdir(): the mount must be gone before the folder is removed.
  const mount = mkdtempSync(join(tmpdir(), 'ssr-unwritable-'))
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', mount], { stdio: 'ignore' })
  } catch {
    rmSync(mount, { recursive: true, force: true })
    return null
  }
  t.teardown(() => {
    execFileSync('umount', ['-l', mount])
    rmSync(mount, { recursive: true, force: true })
  })
  return mount
}

function envFor(home: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: home,
    SESSION_RETRY_HOME: home,
    SESSION_RETRY_PORT: '0',
    SESSION_RETRY_MONITOR_INTERVAL: '1',
    SESSION_RETRY_CLAUDE_INTEGRATION: 'false',
    CLAUDE_CONFIG_DIR: join(home, 'no-claude'),
  }
}

async function health(supervisor: SupervisorProcess): Promise<{ status: number; body: { status: string; reasons: string[] } }> {
  const port = /supervisor: ready .* port (\d+)\)/.exec(supervisor.output())![1]
  const response = await fetch(`http://127.0.0.1:${port}/health`)
  return { status: response.status, body: (await response.json()) as { status: string; reasons: string[] } }
}

function limitLine(sessionId: string): string {
  return JSON.stringify({ v: 1, id: `${sessionId}-${Date.now()}`, ts: new Date().toISOString(), event: 'LimitReported', sessionId, origin: 'cli', resetAt: Date.now() + 3_600_000 }) + '\n'
}

t.test('read-only for longer than the lock stale time: it keeps serving, says why, and recovers', async t => {
  const mount = mountTmpfs(t, '4m')
  if (!mount) return t.skip('cannot mount a small tmpfs here (needs root)', () => {})
  const home = join(mount, 'home')
  const supervisor = await startSupervisor(envFor(home))
  t.teardown(() => supervisor.kill())

  execFileSync('mount', ['-o', 'remount,ro', mount])
  const degraded = await waitFor(async () => {
    const h = await health(supervisor)
    return h.body.reasons.some(r => /supervisor lock/.test(r)) && h
  }, { timeoutMs: 90_000, what: '/health naming the lost lock (after the lock\'s stale time)' })
  t.equal(degraded.status, 200)
  t.equal(degraded.body.status, 'degraded')
  t.match(degraded.body.reasons.join('\n'), /EROFS.*no resume starts/)
  t.equal(supervisor.child.exitCode, null, 'still running')

  execFileSync('mount', ['-o', 'remount,rw', mount])
  await waitFor(async () => (await health(supervisor)).body.reasons.every(r => !/supervisor lock|pid file/.test(r)), { timeoutMs: 30_000, what: 'the lock taken back' })
  writeFileSync(join(home, 'sessions', 'events', 's-after.jsonl'), limitLine('s-after'))
  await waitForState(home, 's-after', s => s.state === 'scheduled', 'a journal written after the recovery is applied and persisted')
  t.equal(readFileSync(join(home, 'supervisor.pid'), 'utf8').split(' ')[0]!.trim(), String(supervisor.child.pid), 'the pid file names it')
  t.equal(await supervisor.stop(), 0, 'a clean stop')
})

t.test('a disk already full at the start: it starts degraded and catches up once there is room', async t => {
  const mount = mountTmpfs(t, '1m')
  if (!mount) return t.skip('cannot mount a small tmpfs here (needs root)', () => {})
  const home = join(mount, 'home')
  mkdirSync(join(home, 'sessions', 'events'), { recursive: true, mode: 0o700 })
  writeFileSync(join(home, 'sessions', 'events', 's-full.jsonl'), limitLine('s-full'))
  const filler = join(mount, 'filler')
  try {
    writeFileSync(filler, Buffer.alloc(2 * 1024 * 1024))
  } catch {
    // ENOSPC: the disk is now full, which is the point.
  }
  const supervisor = await startSupervisor(envFor(home))
  t.teardown(() => supervisor.kill())
  const degraded = await health(supervisor)
  t.equal(degraded.status, 200)
  t.equal(degraded.body.status, 'degraded')
  t.match(degraded.body.reasons.join('\n'), /ENOSPC/)
  t.notOk(existsSync(join(home, 'sessions', 's-full.json')), 'no state file yet')

  rmSync(filler)
  await waitForState(home, 's-full', s => s.state === 'scheduled', 'the waiting state file written')
  await waitFor(() => existsSync(join(home, 'supervisor.pid')), { timeoutMs: 30_000, what: 'the pid file written' })
  await waitFor(async () => (await health(supervisor)).body.reasons.every(r => !/cannot be written since|pid file/.test(r)), { timeoutMs: 30_000, what: 'no lasting problem left' })
  t.equal(readState(home, 's-full')?.sessionId, 's-full')
  t.equal(await supervisor.stop(), 0, 'a clean stop')
})
