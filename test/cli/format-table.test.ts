// Terminal tables: columns padded, no trailing blanks.
import t from 'tap'
import { formatTable } from '../../src/cli/format-table.js'

t.test('formatTable pads every column but the last, with no trailing blanks', async t => {
  t.equal(formatTable(['ID', 'STATE', 'NOTE'], [['a', 'scheduled', ''], ['bbbb', '—', 'x']]), 'ID    STATE      NOTE\na     scheduled\nbbbb  —          x\n')
  t.equal(formatTable(['A'], []), 'A\n', 'a header alone')
})

t.test('formatTable pads columns, leaves no trailing blanks', async t => {
  t.equal(
    formatTable(['A', 'LONG HEADER', 'C'], [
      ['one', 'x', ''],
      ['—', 'yy', 'last'],
    ]),
    'A    LONG HEADER  C\none  x\n—    yy           last\n',
  )
  t.equal(formatTable(['ONLY'], []), 'ONLY\n')
})
