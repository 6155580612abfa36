import t from 'tap'
import { HomeWrites, UNWRITABLE_CODES } from '../../src/supervisor/home-writes.js'

const error = (code: string) => Object.assign(new Error(`${code}: something`), { code })

t.test('the codes that mean "the home cannot be written now" are pinned', async t => {
  t.same([...UNWRITABLE_CODES].sort(), ['EDQUOT', 'EIO', 'ENOSPC', 'EROFS'])
})

t.test('an episode is noted once, lists its waiting sessions, and ends with the next write', async t => {
  let now = Date.parse('2026-11-25T12:00:00Z')
  const said: string[] = []
  const home = new HomeWrites(() => now, { onUnwritable: m => said.push(`down: ${m}`), onWritable: m => said.push(`up: ${m}`) })
  t.equal(home.mayAct, true)
  t.equal(home.failed(error('EACCES'), 's1'), false, 'another error is the caller\'s')
  t.equal(home.failed(error('EROFS'), 's1'), true)
  t.equal(home.failed(error('EROFS'), 's2'), true)
  t.equal(home.failed(error('ENOSPC')), true)
  t.same([...home.unsaved], ['s1', 's2'])
  t.equal(home.mayAct, false, 'no resume starts meanwhile')
  t.same(home.problems(), ['the home cannot be written since 2026-11-25T12:00:00.000Z (EROFS); 2 state file(s) wait; no resume starts until it can'])
  now += 42_000
  home.succeeded('s1')
  t.same([...home.unsaved], ['s2'])
  t.equal(home.writable, true)
  t.same(said, ['down: the home cannot be written (EROFS): state files wait, no resume starts, retrying', 'up: the home takes writes again (after 42 s)'])
})

t.test('the lock state decides too', async t => {
  const home = new HomeWrites(() => 0, { onUnwritable: () => {}, onWritable: () => {} })
  home.setLock({ held: false, problem: 'the supervisor lock was lost' })
  t.equal(home.mayAct, false)
  t.same(home.problems(), ['the supervisor lock was lost'])
  home.setLock({ held: true, problem: 'cannot write the pid file' })
  t.equal(home.mayAct, true, 'a missing pid file does not stop resumes: the lock is held')
  t.same(home.problems(), ['cannot write the pid file'])
})
