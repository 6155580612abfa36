// One fs.watch on a real folder: it names changed files, it is set up again for a folder removed
// and made again, a missing folder is an error until it exists, and a closed watch says nothing.
import t from 'tap'
import type { Test } from 'tap'
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { FolderWatch } from '../../src/supervisor/folder-watch.js'
import { waitFor } from '../helpers/wait-for.js'

function watched(t: Test, dir: string) {
  const names: (string | null)[] = []
  const errors: unknown[] = []
  const watch = new FolderWatch(dir, name => names.push(name), error => errors.push(error))
  t.teardown(() => watch.close())
  return { watch, names, errors }
}

t.test('names each file that changes in the folder', async t => {
  const dir = t.testdir()
  const w = watched(t, dir)
  w.watch.renew()
  writeFileSync(join(dir, 'a.event'), 'x')
  writeFileSync(join(dir, 'b.jsonl'), 'y')
  await waitFor(() => w.names.includes('a.event') && w.names.includes('b.jsonl'), { what: 'both names' })
  t.same(w.errors, [])
})

t.test('a folder removed and made again is watched again after renew()', async t => {
  const dir = join(t.testdir(), 'spool')
  mkdirSync(dir)
  const w = watched(t, dir)
  w.watch.renew()
  rmSync(dir, { recursive: true })
  mkdirSync(dir)
  w.watch.renew()
  writeFileSync(join(dir, 'after.event'), 'x')
  await waitFor(() => w.names.includes('after.event'), { what: 'a change in the new folder' })
  t.same(w.errors, [])
})

t.test('a missing folder is an error until it exists', async t => {
  const dir = join(t.testdir(), 'later')
  const w = watched(t, dir)
  w.watch.renew()
  t.match(w.errors, [{ code: 'ENOENT' }])
  mkdirSync(dir)
  w.watch.renew()
  writeFileSync(join(dir, 'now.event'), 'x')
  await waitFor(() => w.names.includes('now.event'), { what: 'a change once the folder exists' })
  t.equal(w.errors.length, 1, 'no new error')
})

t.test('a closed watch says nothing more', async t => {
  const dir = t.testdir()
  const closed = watched(t, dir)
  const open = watched(t, dir)
  closed.watch.renew()
  open.watch.renew()
  closed.watch.close()
  writeFileSync(join(dir, 'x.event'), 'x')
  await waitFor(() => open.names.includes('x.event'), { what: 'the open watch to see the change' })
  t.same(closed.names, [])
})
