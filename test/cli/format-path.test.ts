// Paths as people read them: the home as ~ only for the home and what is under it; long texts cut at the start by characters.
import t from 'tap'
import { keepTail, tildePath } from '../../src/cli/format-path.js'

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

t.test('tildePath and keepTail: the everyday cases', async t => {
  t.equal(tildePath('/home/user', '/home/user'), '~')
  t.equal(tildePath('/home/user/code', '/home/user'), '~/code')
  t.equal(tildePath('/home/user/code', '/home/user/'), '~/code')
  t.equal(tildePath('/home/username/code', '/home/user'), '/home/username/code', 'a prefix is not a parent')
  t.equal(tildePath('/srv/x', undefined), '/srv/x')
  t.equal(tildePath('/srv/x', '/'), '/srv/x')
  t.equal(tildePath(null, '/home/user'), '—')
  t.equal(tildePath('', '/home/user'), '—')
  t.equal(keepTail('abcdef', 6), 'abcdef')
  t.equal(keepTail('abcdefg', 6), '…cdefg')
  t.equal(keepTail('ééééééé', 3), '…éé', 'counts characters, not bytes')
})

t.test('tildePath: more homes', async t => {
  const cases: [unknown, string | undefined, string][] = [
    ['/home/u/app', '/home/u', '~/app'],
    ['/home/u', '/home/u/', '~'],
    ['/home/user2/app', '/home/u', '/home/user2/app'],
    ['/srv/x', '/', '/srv/x'],
    ['/srv/x', undefined, '/srv/x'],
    ['', '/home/u', '—'],
    [null, '/home/u', '—'],
  ]
  for (const [path, home, shown] of cases) t.equal(tildePath(path, home), shown, `${String(path)} with home ${home}`)
})

t.test('keepTail keeps the end and marks the cut', async t => {
  t.equal(keepTail('short', 10), 'short')
  t.equal(keepTail('/a/very/long/path/to/project', 10), '…o/project')
  t.equal([...keepTail('ééééééééééé', 5)].length, 5, 'counted in characters, not bytes')
})
