// A bounded pool: every item is done, never more than `limit` at once, in order of start.
import t from 'tap'
import { forEachLimited } from '../../src/supervisor/for-each-limited.js'

for (const [items, limit] of [[0, 3], [1, 3], [10, 1], [10, 3], [5, 50], [4, 0]] as const) {
  t.test(`${items} items, limit ${limit}`, async t => {
    let running = 0
    let most = 0
    const started: number[] = []
    await forEachLimited(Array.from({ length: items }, (_, i) => i), limit, async item => {
      started.push(item)
      running++
      most = Math.max(most, running)
      await new Promise(resolve => setImmediate(resolve))
      running--
    })
    t.same(started, Array.from({ length: items }, (_, i) => i), 'each once, started in order')
    t.ok(most <= Math.max(1, limit), `at most ${Math.max(1, limit)} at once (saw ${most})`)
    if (items >= 2 && limit >= 2) t.ok(most >= 2, 'they do overlap')
  })
}

t.test('a failing job rejects the whole', async t => {
  await t.rejects(forEachLimited([1, 2, 3], 2, async item => {
    if (item === 2) throw new Error('boom')
  }), /boom/)
})
