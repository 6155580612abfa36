// File opens that never follow a link: appends, atomic replacements, reads. Each planted thing
// (a link, a hard link, a FIFO, another user's file) is refused and its target left byte-identical.
import t from 'tap'
import type { Test } from 'tap'
import { chownSync, existsSync, linkSync, lstatSync, mkdirSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { processDir } from '../helpers/process-dir.js'
import {
  appendFileSafe, openAppendSync, readFileSafe, readFileSafeAsync, rotateIfLarger, TEMP_FILE, writeFileAtomic, writeFileAtomicSync, writeNewFileSync,
} from '../../src/home/safe-files.js'

const root = process.getuid?.() === 0

function world(t: Test) {
  const dir = t.testdir({ target: 'precious\n', home: {} })
  const target = join(dir, 'target')
  const home = join(dir, 'home')
  return { dir, target, home }
}

t.test('appendFileSafe appends 0600 and refuses a link, a hard link, a FIFO and a foreign file', async t => {
  const { target, home } = world(t)
  const log = join(home, 'a.log')
  appendFileSafe(log, 'one\n')
  appendFileSafe(log, Buffer.from('two\n'))
  t.equal(readFileSync(log, 'utf8'), 'one\ntwo\n')
  t.equal(statSync(log).mode & 0o777, 0o600)

  symlinkSync(target, join(home, 'link.log'))
  t.throws(() => appendFileSafe(join(home, 'link.log'), 'x'), { code: 'EUNSAFE', message: /link\.log: it is a symbolic link/ })
  symlinkSync(join(home, 'missing'), join(home, 'dangling.log'))
  t.throws(() => appendFileSafe(join(home, 'dangling.log'), 'x'), { code: 'EUNSAFE' }, 'a dangling link creates nothing')
  t.notOk(existsSync(join(home, 'missing')))
  linkSync(target, join(home, 'hard.log'))
  t.throws(() => appendFileSafe(join(home, 'hard.log'), 'x'), { code: 'EUNSAFE', message: /other hard link/ })
  execFileSync('mkfifo', [join(home, 'fifo.log')])
  t.throws(() => appendFileSafe(join(home, 'fifo.log'), 'x'), 'a FIFO without a reader fails at once instead of hanging')
  mkdirSync(join(home, 'dir.log'))
  t.throws(() => appendFileSafe(join(home, 'dir.log'), 'x'))
  if (root) {
    writeFileSync(join(home, 'foreign.log'), '')
    chownSync(join(home, 'foreign.log'), 65534, 65534)
    t.throws(() => appendFileSafe(join(home, 'foreign.log'), 'x'), { message: /belongs to user id 65534/ })
  }
  t.equal(readFileSync(target, 'utf8'), 'precious\n', 'the target is byte-identical')
})

t.test('appendFileSafe with maxBytes keeps one previous generation', async t => {
  const { home } = world(t)
  const log = join(home, 'capped.log')
  for (let i = 0; i < 10; i++) appendFileSafe(log, `${i}`.repeat(10) + '\n', { maxBytes: 25 })
  t.ok(statSync(log).size <= 25)
  t.ok(statSync(`${log}.1`).size <= 25)
  t.equal(readFileSync(log, 'utf8'), '8888888888\n9999999999\n', 'the newest lines are in the file')
  t.equal(readFileSync(`${log}.1`, 'utf8'), '6666666666\n7777777777\n', 'the ones before in <name>.1')
})

t.test('rotateIfLarger', async t => {
  const { home, target } = world(t)
  const log = join(home, 'hook.log')
  t.equal(rotateIfLarger(log, 10), false, 'missing: nothing to do')
  writeFileSync(log, 'short')
  t.equal(rotateIfLarger(log, 10), false)
  writeFileSync(log, 'much longer than ten')
  t.equal(rotateIfLarger(log, 10), true)
  t.same(readdirSync(home).sort(), ['hook.log.1'])
  symlinkSync(target, log)
  t.equal(rotateIfLarger(log, 1), false, 'a link is not looked at')
})

t.test('atomic writes replace a planted link itself, never its target', async t => {
  const { target, home } = world(t)
  const sync = join(home, 'current_session.json')
  const async_ = join(home, 'resume_schedule.json')
  symlinkSync(target, sync)
  symlinkSync(target, async_)
  writeFileAtomicSync(sync, '{"a":1}\n')
  await writeFileAtomic(async_, '{"b":2}\n')
  for (const [file, text] of [[sync, '{"a":1}\n'], [async_, '{"b":2}\n']] as const) {
    t.ok(lstatSync(file).isFile(), 'the link was replaced by a file')
    t.equal(readFileSync(file, 'utf8'), text)
    t.equal(statSync(file).mode & 0o777, 0o600)
  }
  t.equal(readFileSync(target, 'utf8'), 'precious\n', 'the target is byte-identical')
  t.same(readdirSync(home).filter(n => TEMP_FILE.test(n)), [], 'no temp file left')
})

t.test('a failed atomic write leaves no temp file', async t => {
  const { home } = world(t)
  mkdirSync(join(home, 'a-folder'))
  t.throws(() => writeFileAtomicSync(join(home, 'a-folder'), 'x'))
  await t.rejects(writeFileAtomic(join(home, 'a-folder'), 'x'))
  t.same(readdirSync(home), ['a-folder'])
  t.same(readdirSync(join(home, 'a-folder')), [])
})

t.test('TEMP_FILE names the temp files with their writer pid', async t => {
  t.match('.usage.json.1234.0a1b2c3d.tmp', TEMP_FILE)
  t.equal(TEMP_FILE.exec('.x.json.77.deadbeef.tmp')?.[1], '77')
  t.notMatch('usage.json', TEMP_FILE)
})

t.test('reads refuse links and non-regular files; maxBytes bounds a read', async t => {
  const { target, home } = world(t)
  writeFileSync(join(home, 'real'), 'abcdef')
  t.equal(readFileSafe(join(home, 'real')), 'abcdef')
  t.equal(readFileSafe(join(home, 'real'), 3), 'abc')
  t.equal(await readFileSafeAsync(join(home, 'real')), 'abcdef')
  symlinkSync(target, join(home, 'link'))
  t.throws(() => readFileSafe(join(home, 'link')), { code: 'EUNSAFE' })
  await t.rejects(readFileSafeAsync(join(home, 'link')), { code: 'EUNSAFE' })
  t.throws(() => readFileSafe(join(home, 'missing')), { code: 'ENOENT' })
  t.throws(() => openAppendSync(home), 'a folder')
})

t.test('writeNewFileSync never replaces anything', async t => {
  const { target, home } = world(t)
  writeNewFileSync(join(home, 'new'), 'x')
  t.equal(readFileSync(join(home, 'new'), 'utf8'), 'x')
  t.throws(() => writeNewFileSync(join(home, 'new'), 'y'), { code: 'EEXIST' })
  symlinkSync(target, join(home, 'link'))
  t.throws(() => writeNewFileSync(join(home, 'link'), 'y'))
  t.equal(readFileSync(target, 'utf8'), 'precious\n')
})

t.test('a disk that fills up mid-write: the sync writers throw ENOSPC and leave no cut file', async t => {
  if (!root) return t.skip('mounting a small tmpfs needs root', () => {})
  // Not t.testdir(): tap removes that before teardowns, and the mount must be gone first.
  const mount = processDir(t)
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', mount], { stdio: 'ignore' })
  } catch {
    return t.skip('cannot mount a tmpfs here', () => {})
  }
  t.teardown(() => execFileSync('umount', ['-l', mount]))
  // Larger than the disk: the kernel writes what fits and reports a short write, not an error.
  const big = 'x'.repeat(200 * 1024)
  const state = join(mount, 'state.json')
  writeFileSync(state, 'old\n')
  t.throws(() => writeFileAtomicSync(state, big, { fsync: false }), { code: 'ENOSPC' })
  t.equal(readFileSync(state, 'utf8'), 'old\n', 'the previous file stays whole')
  t.throws(() => writeNewFileSync(join(mount, 'new.event'), big), { code: 'ENOSPC' })
  t.same(readdirSync(mount), ['state.json'], 'no temp file, no cut file left')
})
