// Terminal tables and paths as people read them: table-driven.
import t from 'tap'
import { formatTable } from '../../src/cli/format-table.js'
import { keepTail, tildePath } from '../../src/cli/format-path.js'

t.test('formatTable pads every column but the last, with no trailing blanks', async t => {
  t.equal(formatTable(['ID', 'STATE', 'NOTE'], [['a', 'scheduled', ''], ['bbbb', '—', 'x']]), 'ID    STATE      NOTE\na     scheduled\nbbbb  —          x\n')
  t.equal(formatTable(['A'], []), 'A\n', 'a header alone')
})

t.test('tildePath', async t => {
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
