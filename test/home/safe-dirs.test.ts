// The home and its folders: created 0700, refused (with a message naming SESSION_RETRY_HOME) when
// someone else could redirect the product's writes: a link, another owner, write access for others.
import t from 'tap'
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { checkHomeDir, ensureHome, ensureHomeDir, makeDirs, MAX_DIR_DEPTH } from '../../src/home/safe-dirs.js'

const root = process.getuid?.() === 0
const NOBODY = 65534

t.test('constants are pinned', async t => {
  t.equal(MAX_DIR_DEPTH, 16)
})

t.test('makeDirs creates missing parents 0700 and gives up where Node 20 would spin', async t => {
  const dir = t.testdir({ 'a-file': 'x', existing: {} })
  makeDirs(join(dir, 'existing'))
  makeDirs(join(dir, 'new', 'deeper'))
  t.equal(statSync(join(dir, 'new')).mode & 0o777, 0o700)
  t.throws(() => makeDirs(join(dir, 'a-file', 'x')), { code: 'ENOTDIR' })
  t.throws(() => makeDirs('/proc/session-retry-test/a/b'), { code: 'ENOENT' }, 'gives up where mkdir keeps answering ENOENT (Node 20 recursive mkdir spins)')
  const deep = join(dir, ...Array.from({ length: MAX_DIR_DEPTH + 2 }, (_, i) => `d${i}`))
  t.throws(() => makeDirs(deep), { code: 'ENOENT' }, 'at most MAX_DIR_DEPTH missing parents')
})

t.test('an unusable home is a clear error naming SESSION_RETRY_HOME', async t => {
  t.throws(() => ensureHome('/proc/nope'), { code: 'ENOENT', message: /cannot create the home folder \/proc\/nope \(ENOENT\); set SESSION_RETRY_HOME/ })
  const dir = t.testdir({ 'a-file': 'x' })
  t.throws(() => ensureHome(join(dir, 'a-file')), { code: 'EUNSAFE', message: /a-file is not a folder.*SESSION_RETRY_HOME/ })
})

t.test('a new home is created 0700; an existing private one is accepted, also through a link', async t => {
  const dir = t.testdir({ mine: {} })
  const home = join(dir, 'new', 'home')
  ensureHome(home)
  t.equal(statSync(home).mode & 0o777, 0o700)
  chmodSync(join(dir, 'mine'), 0o755)
  ensureHome(join(dir, 'mine'))
  symlinkSync(join(dir, 'mine'), join(dir, 'link-to-mine'))
  ensureHome(join(dir, 'link-to-mine'))
  t.pass('a home that is a link the user made is used (its target is checked)')
})

t.test('a home others can write to is refused', async t => {
  for (const [mode, who] of [
    [0o777, 'its group and everyone'],
    [0o1777, 'its group and everyone'],
    [0o770, 'its group'],
    [0o702, 'everyone'],
  ] as const) {
    const home = join(t.testdir(), 'home')
    mkdirSync(home)
    chmodSync(home, mode)
    t.throws(() => ensureHome(home), {
      code: 'EUNSAFE',
      message: new RegExp(`^refusing to use the home folder ${home}: ${home} is writable by ${who} \\(mode 0?${mode.toString(8)}\\);.*set SESSION_RETRY_HOME`),
    }, mode.toString(8))
  }
  const dir = t.testdir({ open: {} })
  chmodSync(join(dir, 'open'), 0o777)
  symlinkSync(join(dir, 'open'), join(dir, 'link'))
  t.throws(() => ensureHome(join(dir, 'link')), { code: 'EUNSAFE' }, 'through a link too')
})

t.test('a home owned by another user is refused', { skip: !root && 'needs root to chown' }, async t => {
  const home = join(t.testdir(), 'home')
  mkdirSync(home, { mode: 0o700 })
  chownSync(home, NOBODY, NOBODY)
  t.throws(() => ensureHome(home), { code: 'EUNSAFE', message: /belongs to user id 65534, not to the current user \(0\).*SESSION_RETRY_HOME/ })
})

t.test('folders below the home: created, and refused when a link, a file, foreign or open to others', async t => {
  const dir = t.testdir({ elsewhere: {} })
  const home = join(dir, 'home')
  ensureHomeDir(home, join(home, 'sessions', 'events'))
  t.equal(lstatSync(join(home, 'sessions', 'events')).mode & 0o777, 0o700)

  symlinkSync(join(dir, 'elsewhere'), join(home, 'logs'))
  t.throws(() => ensureHomeDir(home, join(home, 'logs', 'resume')), { code: 'EUNSAFE', message: /logs is a symbolic link/ })
  t.notOk(existsSync(join(dir, 'elsewhere', 'resume')), 'nothing created through the link')

  writeFileSync(join(home, 'plain'), '')
  t.throws(() => ensureHomeDir(home, join(home, 'plain')), { message: /plain is not a folder/ })

  chmodSync(join(home, 'sessions'), 0o777)
  t.throws(() => ensureHomeDir(home, join(home, 'sessions', 'events')), { message: /sessions is writable by its group and everyone/ })
  chmodSync(join(home, 'sessions'), 0o700)

  t.throws(() => ensureHomeDir(home, join(dir, 'elsewhere')), { message: /is not inside the home folder/ })
  if (root) {
    chownSync(join(home, 'sessions', 'events'), NOBODY, NOBODY)
    t.throws(() => ensureHomeDir(home, join(home, 'sessions', 'events')), { message: /events belongs to user id 65534/ })
  }
})

t.test('checkHomeDir reads without creating', async t => {
  const dir = t.testdir({ elsewhere: {} })
  const home = join(dir, 'home')
  t.equal(checkHomeDir(home, join(home, 'sessions', 'spool')), false)
  t.notOk(existsSync(home), 'nothing created')
  mkdirSync(join(home, 'sessions'), { recursive: true })
  t.equal(checkHomeDir(home, join(home, 'sessions', 'spool')), false)
  mkdirSync(join(home, 'sessions', 'spool'))
  t.equal(checkHomeDir(home, join(home, 'sessions', 'spool')), true)
  const other = join(dir, 'other')
  mkdirSync(join(other, 'sessions'), { recursive: true })
  symlinkSync(join(dir, 'elsewhere'), join(other, 'sessions', 'spool'))
  t.throws(() => checkHomeDir(other, join(other, 'sessions', 'spool')), { code: 'EUNSAFE', message: /spool is a symbolic link/ })
})
