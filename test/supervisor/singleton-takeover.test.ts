// A crashed supervisor's lock is taken over at once only when the pid file proves its owner dead
// and the lock is that owner's; every other lock is left to go stale. Real processes, real folders.
import t from 'tap'
import type { Test } from 'tap'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs'
import { homePaths } from '../../src/home/home-paths.js'
import { acquireSingleton, lockDirOf, takeDeadOwnersLock } from '../../src/supervisor/singleton.js'
import { formatIdentity, identify } from '../../src/os/process-identity.js'

/** The identity of a process that has exited: a real pid and start time, now gone. */
function deadIdentity(): string {
  const child = spawnSync(process.execPath, ['-e', 'console.log(require("fs").readFileSync("/proc/self/stat", "utf8"))'], { encoding: 'utf8' })
  const fields = child.stdout.slice(child.stdout.lastIndexOf(')') + 2).split(' ')
  const pid = Number(child.stdout.split(' ')[0])
  return formatIdentity({ pid, startTime: fields[19]! })
}

function home(t: Test) {
  const paths = homePaths(t.testdir())
  mkdirSync(paths.home, { recursive: true, mode: 0o700 })
  return paths
}

const secondsAgo = (s: number) => new Date(Date.now() - s * 1000)

t.test('a dead owner whose lock predates its pid file: the lock is removed at once', async t => {
  const paths = home(t)
  mkdirSync(lockDirOf(paths))
  writeFileSync(paths.pidFile, deadIdentity())
  // After the lock folder was made, as a supervisor does it (and a clock step apart).
  utimesSync(paths.pidFile, new Date(), new Date(Date.now() + 1000))
  t.equal(takeDeadOwnersLock(paths), true)
  t.notOk(existsSync(lockDirOf(paths)), 'the lock folder is gone')
  t.same(readdirSync(paths.home).filter(n => n.includes('.dead-')), [], 'nothing left aside')
})

t.test('a lock made after the pid file may be a live start that has not written its own: kept', async t => {
  const paths = home(t)
  writeFileSync(paths.pidFile, deadIdentity())
  utimesSync(paths.pidFile, secondsAgo(60), secondsAgo(60))
  mkdirSync(lockDirOf(paths))
  const before = statSync(lockDirOf(paths)).ino
  t.equal(takeDeadOwnersLock(paths), false)
  t.equal(statSync(lockDirOf(paths)).ino, before, 'the same lock folder')
})

t.test('a pid file naming a live process, or none at all: the lock is kept', async t => {
  const paths = home(t)
  mkdirSync(lockDirOf(paths))
  writeFileSync(paths.pidFile, formatIdentity(identify(process.pid)!))
  utimesSync(paths.pidFile, new Date(), new Date(Date.now() + 1000))
  t.equal(takeDeadOwnersLock(paths), false, 'live owner')
  t.ok(existsSync(lockDirOf(paths)))

  const other = home(t)
  mkdirSync(lockDirOf(other))
  t.equal(takeDeadOwnersLock(other), false, 'no pid file')
  t.ok(existsSync(lockDirOf(other)))
})

t.test('no lock at all: nothing to do', async t => {
  const paths = home(t)
  writeFileSync(paths.pidFile, deadIdentity())
  t.equal(takeDeadOwnersLock(paths), false)
})

t.test('a start over a crashed owner takes the lock and names itself, without waiting for staleness', async t => {
  const paths = home(t)
  mkdirSync(lockDirOf(paths))
  writeFileSync(paths.pidFile, deadIdentity())
  utimesSync(paths.pidFile, new Date(), new Date(Date.now() + 1000))
  const lockBefore = statSync(lockDirOf(paths)).birthtimeMs
  // Kept fresh, so that waiting for staleness would never get it: only the takeover can.
  const fresh = setInterval(() => {
    try {
      if (statSync(lockDirOf(paths)).birthtimeMs === lockBefore) utimesSync(lockDirOf(paths), new Date(), new Date())
    } catch {
      // Removed: the takeover happened.
    }
  }, 200)
  const handle = await acquireSingleton(paths, { onChange: () => {}, onTakenOver: () => {} }).finally(() => clearInterval(fresh))
  t.teardown(() => handle.release())
  t.same(handle.state, { held: true, problem: null })
  t.ok(statSync(lockDirOf(paths)).birthtimeMs > lockBefore, 'a lock folder of its own, made later')
  t.equal(Number(readFileSync(paths.pidFile, 'utf8').split(' ')[0]), process.pid)
})
