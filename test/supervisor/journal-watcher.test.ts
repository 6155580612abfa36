// The watcher on real folders: appends are noticed, spool files too, and the reconcile finds
// whatever has bytes beyond the applied offset.
import t from 'tap'
import type { Test } from 'tap'
import { appendFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { JournalWatcher, SPOOL_SETTLE_MS } from '../../src/supervisor/journal-watcher.js'
import { waitFor } from '../helpers/wait-for.js'

const A = '0a38aaaa-1111-2222-3333-444455556666'
const B = '0a38bbbb-1111-2222-3333-444455556666'

function world(t: Test) {
  const dir = t.testdir()
  const eventsDir = join(dir, 'events')
  const spoolDir = join(dir, 'spool')
  mkdirSync(eventsDir)
  mkdirSync(spoolDir)
  const journals: string[] = []
  const errors: unknown[] = []
  let spool = 0
  const offsets = new Map<string, number>()
  const watcher = new JournalWatcher({
    eventsDir,
    spoolDir,
    onJournal: id => journals.push(id),
    onSpool: () => spool++,
    onError: error => errors.push(error),
    appliedOffset: id => offsets.get(id) ?? 0,
  })
  t.teardown(() => watcher.stop())
  return { eventsDir, spoolDir, journals, errors, offsets, watcher, spool: () => spool }
}

t.test('pinned: a spool change is swept a second after it', async t => {
  t.equal(SPOOL_SETTLE_MS, 1000)
})

t.test('every append to a journal is noticed; other files are not', async t => {
  const w = world(t)
  await w.watcher.start()
  writeFileSync(join(w.eventsDir, 'notes.txt'), 'x')
  writeFileSync(join(w.eventsDir, 'bad id.jsonl'), 'x')
  appendFileSync(join(w.eventsDir, `${A}.jsonl`), 'one\n')
  await waitFor(() => w.journals.includes(A), { what: 'the first append' })
  const seen = w.journals.length
  appendFileSync(join(w.eventsDir, `${A}.jsonl`), 'two\n')
  await waitFor(() => w.journals.length > seen, { what: 'the second append' })
  t.same([...new Set(w.journals)], [A], 'only the valid journal')
})

t.test('spool changes are swept together, once, a moment after the first', async t => {
  const w = world(t)
  await w.watcher.start()
  writeFileSync(join(w.spoolDir, 'x.event'), 'ssr1 1 2 \n')
  appendFileSync(join(w.spoolDir, 'x.event'), '{}')
  writeFileSync(join(w.spoolDir, 'y.event'), 'ssr1 1 2 \n{}')
  await waitFor(() => w.spool() >= 1, { what: 'the sweep' })
  t.equal(w.spool(), 1, 'one sweep for the three changes')
})

t.test('the reconcile lists journals with unread bytes, whatever the watcher saw', async t => {
  const w = world(t)
  writeFileSync(join(w.eventsDir, `${A}.jsonl`), 'one\n')
  writeFileSync(join(w.eventsDir, `${B}.jsonl`), 'one\ntwo\n')
  w.offsets.set(A, 4)
  t.same(w.watcher.reconcile(), [B])
  w.offsets.set(B, 8)
  t.same(w.watcher.reconcile(), [])
})

t.test('a spool lost with its folder is watched again after the reconcile', async t => {
  const w = world(t)
  await w.watcher.start()
  rmSync(w.spoolDir, { recursive: true })
  mkdirSync(w.spoolDir)
  w.watcher.reconcile()
  writeFileSync(join(w.spoolDir, 'y.event'), 'ssr1 1 2 \n{}')
  await waitFor(() => w.spool() >= 1, { what: 'a spool file in the new folder' })
  t.pass('watching the new spool')
})

t.test('nothing is swept once stopped', async t => {
  const w = world(t)
  await w.watcher.start()
  writeFileSync(join(w.spoolDir, 'x.event'), 'ssr1 1 2 \n{}')
  await w.watcher.stop()
  const before = w.spool()
  // A second watcher on the same folders: its sweeps are the sign the change was delivered.
  let otherSweeps = 0
  const other = new JournalWatcher({ eventsDir: w.eventsDir, spoolDir: w.spoolDir, onJournal: () => {}, onSpool: () => otherSweeps++, onError: () => {}, appliedOffset: () => 0 })
  t.teardown(() => other.stop())
  await other.start()
  writeFileSync(join(w.spoolDir, 'z.event'), 'ssr1 1 2 \n{}')
  await waitFor(() => otherSweeps >= 1, { what: 'the second watcher\'s sweep' })
  t.equal(w.spool(), before, 'the stopped watcher swept nothing')
})

t.test('a watch lost with its folder is set up again by the reconcile', async t => {
  const w = world(t)
  await w.watcher.start()
  rmSync(w.eventsDir, { recursive: true })
  mkdirSync(w.eventsDir)
  t.same(w.watcher.reconcile(), [], 'nothing to read yet')
  appendFileSync(join(w.eventsDir, `${B}.jsonl`), 'one\n')
  await waitFor(() => w.journals.includes(B) || (w.watcher.reconcile(), false), { what: 'an append in the new folder', timeoutMs: 10_000 })
  t.pass('watching the new folder')
})
