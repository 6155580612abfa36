// Paths as people read them: the home as ~ only for the home and what is under it; long texts cut at the start by characters.
import t from 'tap'
import { keepTail, tildePath } from '../../src/cli/format-path.js'

// The everyday cases are pinned in format.test.ts; these are the edges.
t.test('tildePath', async t => {
  const cases: [unknown, string | undefined, string][] = [
    ['/home/user/', '/home/user', '~/'],
    ['/home/user', '/home/user/', '~'],
    ['/home/user/a/b', '/home/user', '~/a/b'],
    ['/home/user2', '/home/user', '/home/user2'],
    ['relative/path', '/home/user', 'relative/path'],
    ['/home/user/x', '', '/home/user/x'],
    [42, '/home/user', '—'],
    [undefined, '/home/user', '—'],
  ]
  for (const [path, home, shown] of cases) t.equal(tildePath(path, home), shown, `${String(path)} in ${String(home)}`)
})

t.test('keepTail', async t => {
  const cases: [string, number, string][] = [
    ['', 3, ''],
    ['abc', 3, 'abc'],
    ['abcd', 3, '…cd'],
    ['abcd', 1, '…'],
    ['~/code/😀😀😀', 4, '…😀😀😀'],
    ['/x/ünïcödé', 5, '…cödé'],
  ]
  for (const [text, max, kept] of cases) {
    t.equal(keepTail(text, max), kept, `${text} in ${max}`)
    t.ok([...keepTail(text, max)].length <= Math.max(max, 1), `${text} in ${max}: at most ${max} characters`)
  }
})
