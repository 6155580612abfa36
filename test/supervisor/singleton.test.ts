// One supervisor per home, on a real home folder: the lock and the pid file, a second start named
// by the first's pid, a lock left by a dead supervisor taken over, and a pid file that cannot be
// written for a while (the start goes on, says why, and writes it once it can).
import t from 'tap'
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync, utimesSync } from 'node:fs'
import { join } from 'node:path'
import lockfile from 'proper-lockfile'
import { homePaths } from '../../src/home/home-paths.js'
import { formatIdentity, identify } from '../../src/os/process-identity.js'
import { acquireSingleton, AlreadyRunningError, LOCK_STALE_MS, LOCK_UPDATE_MS, readPidFile, type SingletonState } from '../../src/supervisor/singleton.js'
import { writeFileAtomic } from '../../src/home/safe-files.js'
import { waitFor } from '../helpers/wait-for.js'

type Test = Parameters<Parameters<typeof t.test>[0]>[0]

function home(t: Test) {
  const paths = homePaths(join(t.testdir(), 'home'))
  mkdirSync(paths.home, { recursive: true })
  return paths
}

function recorder() {
  const changes: SingletonState[] = []
  const takenOver: number[] = []
  return { changes, takenOver, events: { onChange: (s: SingletonState) => changes.push({ ...s }), onTakenOver: (pid: number) => takenOver.push(pid) } }
}

t.test('pinned timings', async t => {
  t.equal(LOCK_STALE_MS, 15_000)
  t.equal(LOCK_UPDATE_MS, 5_000)
})

t.test('taken on a fresh home: the lock held, the pid file ours; released: both gone', async t => {
  const paths = home(t)
  const r = recorder()
  const handle = await acquireSingleton(paths, r.events)
  t.same(handle.state, { held: true, problem: null })
  t.equal(readPidFile(paths), process.pid)
  t.ok(await lockfile.check(paths.lockTarget, { realpath: false, stale: LOCK_STALE_MS }), 'the lock is held')
  await handle.release()
  t.notOk(existsSync(paths.pidFile), 'the pid file removed')
  t.notOk(await lockfile.check(paths.lockTarget, { realpath: false, stale: LOCK_STALE_MS }), 'the lock released')
  await handle.release()
  t.pass('releasing twice is harmless')
  const again = await acquireSingleton(paths, r.events)
  t.same(again.state, { held: true, problem: null }, 'taken again after the release')
  await again.release()
  t.same(r.changes, [], 'nothing changed while held')
})

t.test('a live supervisor named by the pid file: the start refuses at once, naming it', async t => {
  const paths = home(t)
  const other = spawn(process.execPath, ['-e', 'setInterval(() => {}, 60_000)'], { stdio: 'ignore' })
  t.teardown(() => void other.kill('SIGKILL'))
  await waitFor(() => identify(other.pid!) !== null, { what: 'the other process' })
  await writeFileAtomic(paths.pidFile, formatIdentity(identify(other.pid!)!))
  const error = await acquireSingleton(paths, recorder().events).catch((e: unknown) => e)
  t.ok(error instanceof AlreadyRunningError)
  t.equal((error as AlreadyRunningError).pid, other.pid)
  t.equal((error as Error).message, `another supervisor is already running (pid ${other.pid})`)
  t.equal(new AlreadyRunningError(null).message, 'another supervisor holds the lock')
})

t.test('a lock left by a supervisor that died is taken over once stale', async t => {
  const paths = home(t)
  mkdirSync(`${paths.lockTarget}.lock`)
  const old = new Date(Date.now() - 10 * LOCK_STALE_MS)
  utimesSync(`${paths.lockTarget}.lock`, old, old)
  const handle = await acquireSingleton(paths, recorder().events)
  t.teardown(() => handle.release())
  t.same(handle.state, { held: true, problem: null })
})

t.test('a lock another holder keeps fresh: the start gives up once it would have gone stale', async t => {
  const paths = home(t)
  const release = await lockfile.lock(paths.lockTarget, { realpath: false, stale: LOCK_STALE_MS, update: LOCK_UPDATE_MS })
  t.teardown(() => release())
  const error = await acquireSingleton(paths, recorder().events).catch((e: unknown) => e)
  t.ok(error instanceof AlreadyRunningError, 'refused')
  t.equal((error as AlreadyRunningError).pid, null, 'no live supervisor named by the pid file')
})

t.test('a pid file that cannot be written: held but said, then written once it can be', async t => {
  const paths = home(t)
  mkdirSync(join(paths.pidFile, 'in-the-way'), { recursive: true }) // a folder where the file goes
  const r = recorder()
  const handle = await acquireSingleton(paths, r.events)
  t.teardown(() => handle.release())
  t.equal(handle.state.held, true, 'the lock is held: resumes may start')
  t.match(handle.state.problem, new RegExp(`^cannot write the pid file ${paths.pidFile.replace(/[/.]/g, '\\$&')} \\(E[A-Z]+\\); other starts see the lock only$`))
  rmSync(paths.pidFile, { recursive: true })
  await waitFor(() => r.changes.length > 0, { what: 'the retry', timeoutMs: 3 * LOCK_UPDATE_MS })
  t.same(r.changes, [{ held: true, problem: null }])
  t.equal(readFileSync(paths.pidFile, 'utf8').split(/\s/)[0], String(process.pid), 'the pid file written at last')
  t.same(r.takenOver, [])
})
