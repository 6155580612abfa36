// Turns text as a terminal, a screen capture or a log delivers it into plain lines the banner
// rules can read: escape sequences removed (colours, cursor moves, OSC titles and hyperlinks,
// DCS passthrough), TUI decoration stripped (tree glyphs, box borders, ⎿ ● ⏺ ⚠ bullets), odd
// spaces and apostrophes folded. Says which of these changed something, for `reasons`.
// Pure: no clock, no zone.

export interface NormalizedLine {
  /** The line without escapes and decoration, otherwise as printed. */
  printed: string
  /** The same with one kind of apostrophe: the form the rules read. Empty for table rows. */
  matching: string
}

export interface NormalizedText {
  lines: NormalizedLine[]
  /** Names of the normalisations that changed something, in the order they ran. */
  applied: string[]
}

/* eslint-disable no-control-regex */
// OSC (titles, OSC 8 hyperlinks) ends at BEL or ST; DCS, SOS, PM and APC end at ST.
const OSC_RE = /\u001b\][\s\S]*?(?:\u0007|\u001b\\)/g
const STRING_SEQ_RE = /\u001b[PX^_][\s\S]*?\u001b\\/g
const CSI_RE = /(?:\u001b\[|\u009b)[0-?]*[ -/]*[@-~]/g
// Charset selection (ESC ( B), keypad modes, and any other escape left over.
const OTHER_ESC_RE = /\u001b(?:[()*+#%][\s\S]|[\s\S])?/g
const CONTROL_RE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ufeff]/g
/* eslint-enable no-control-regex */
const SPACES_RE = /[\u00a0\u2007\u2009\u202f]/g
const APOSTROPHES_RE = /[’‘ʼ`´]/g
// Before a banner: indentation, TUI glyphs, bullets, prompt marks, tree and box drawing.
const LEAD_RE = /^[\s⎿●⏺•·∙>*⚠\ufe0f✻✶✢✳❯■▪►▶✕⚡│┃║|╭╮╰╯├└┌┐┘┤┬┴┼─━═\-–—]+/u
// After it: box borders and corners.
const TRAIL_RE = /[\s│┃║|╮╯┐┘┤]+$/u
const COLUMN_RE = /[|│┃║]/g

/** A line with three or more column rules is a table row or a multi-column box, never a banner. */
export const TABLE_MIN_RULES = 3

export function normalizeText(text: string): NormalizedText {
  const applied: string[] = []
  const plain = stripEscapes(text, applied)
  const lines = plain.split(/\r\n|\n|\r/)
  const notes = { decoration: false, table: false }
  const out = lines.map((line) => cleanLine(line, notes))
  if (notes.decoration) applied.push('TUI decoration stripped (glyphs, tree and box borders)')
  if (notes.table) applied.push('table rows skipped')
  return { lines: out, applied }
}

function stripEscapes(text: string, applied: string[]): string {
  // Most texts (hook payloads, transcript rows) have no escapes: skip the regex passes.
  if (!/[\u001b\u009b\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ufeff]/.test(text)) return text
  if (text.includes('\u001b]8;')) applied.push('hyperlinks (OSC 8) removed')
  const stripped = text
    .replace(OSC_RE, '')
    .replace(STRING_SEQ_RE, '')
    .replace(CSI_RE, '')
    .replace(OTHER_ESC_RE, '')
  if (stripped !== text) applied.push('escape sequences removed (CSI, OSC, DCS)')
  const clean = stripped.replace(CONTROL_RE, '')
  if (clean !== stripped) applied.push('control characters removed')
  return clean
}

function cleanLine(raw: string, notes: { decoration: boolean; table: boolean }): NormalizedLine {
  const spaced = raw.replace(SPACES_RE, ' ')
  if ((spaced.match(COLUMN_RE)?.length ?? 0) >= TABLE_MIN_RULES) {
    notes.table = true
    return { printed: spaced.trim(), matching: '' }
  }
  const lead = LEAD_RE.exec(spaced)?.[0] ?? ''
  const body = spaced.slice(lead.length)
  const trail = TRAIL_RE.exec(body)?.[0] ?? ''
  const printed = body.slice(0, body.length - trail.length)
  if (/\S/.test(lead + trail)) notes.decoration = true
  return { printed, matching: printed.replace(APOSTROPHES_RE, "'") }
}
