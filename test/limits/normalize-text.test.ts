// Terminal text to plain lines: escapes and TUI decoration removed, spaces and apostrophes folded, table rows skipped.
import t from 'tap'
import { normalizeText, TABLE_MIN_RULES } from '../../src/limits/normalize-text.js'

const ESCAPES = 'escape sequences removed (CSI, OSC, DCS)'
const LINKS = 'hyperlinks (OSC 8) removed'
const CONTROLS = 'control characters removed'
const DECORATION = 'TUI decoration stripped (glyphs, tree and box borders)'
const TABLE = 'table rows skipped'

const ESC = '\u001b'

// [name, text, printed lines, what was applied]
const cases: [string, string, string[], string[]][] = [
  ['plain text is left alone', "You've hit your limit", ["You've hit your limit"], []],
  ['empty text is one empty line', '', [''], []],
  ['colour codes', `${ESC}[31mred${ESC}[39m`, ['red'], [ESCAPES]],
  ['8-bit CSI', '\u009b1mbold', ['bold'], [ESCAPES]],
  ['an OSC 8 hyperlink keeps its text', `${ESC}]8;;https://claude.ai${ESC}\\link${ESC}]8;;\u0007`, ['link'], [LINKS, ESCAPES]],
  ['an OSC title ended by BEL', `${ESC}]0;claude\u0007after`, ['after'], [ESCAPES]],
  ['DCS passthrough', `${ESC}Ptmux;${ESC}${ESC}[1m${ESC}\\ok`, ['ok'], [ESCAPES]],
  ['charset selection', `a${ESC}(Bb`, ['ab'], [ESCAPES]],
  ['a bell and a byte-order mark', '\ufeffa\u0007b', ['ab'], [CONTROLS]],
  ['CRLF, CR and LF all split lines', 'a\r\nb\rc\nd', ['a', 'b', 'c', 'd'], []],
  ['odd spaces fold into plain ones, silently', '3\u202fpm\u00a0(UTC)', ['3 pm (UTC)'], []],
  ['TUI glyph and indentation before a banner', "  ⎿  You've hit\n     /upgrade", ["You've hit", '/upgrade'], [DECORATION]],
  ['indentation alone is not decoration', '   indented', ['indented'], []],
  ['box borders on both sides', '│ resets 3pm (UTC) │', ['resets 3pm (UTC)'], [DECORATION]],
  ['bullets and a list dash', '● one\n- two\n⚠️ three', ['one', 'two', 'three'], [DECORATION]],
  ['two column rules: not a table', 'a | b | c', ['a | b | c'], []],
  ['three column rules: a table row, kept as printed', '  | a | b | c  ', ['| a | b | c'], [TABLE]],
  ['escapes, decoration and a table, in that order', `${ESC}[1m● hi${ESC}[0m\n│ a │ b │ c │`, ['hi', '│ a │ b │ c │'], [ESCAPES, DECORATION, TABLE]],
]

t.test('printed lines and the normalisations named', async t => {
  t.equal(TABLE_MIN_RULES, 3)
  for (const [name, text, printed, applied] of cases) {
    const got = normalizeText(text)
    t.same(got.lines.map(l => l.printed), printed, name)
    t.same(got.applied, applied, `${name}: applied`)
  }
})

t.test('the matching form has one apostrophe; a table row has none', async t => {
  const matching: [string, string][] = [
    ['You’ve hit', "You've hit"],
    ['You‘ve ʼ ` ´', "You've ' ' '"],
    ['  ⎿  You’ve hit', "You've hit"],
    ['| it’s | a | row |', ''],
  ]
  for (const [text, expected] of matching) {
    const [line] = normalizeText(text).lines
    t.equal(line?.matching, expected, text)
  }
  t.equal(normalizeText('You’ve hit').lines[0]?.printed, 'You’ve hit', 'printed keeps the apostrophe as printed')
})
