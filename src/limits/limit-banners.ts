// Finds Claude Code limit banners in free text and says what each one is: a hard plan limit, a
// transient API error, or a warning that only looks like a limit. Formats: facts file, section 6,
// and the banner builders in @anthropic-ai/claude-code 2.1.77 (cli.js, `QW9`/`UW9`).
// Pure: no clock, no zone; reading the reset time is reset-time.ts's job.

// One list of limit kinds for the parser and the machine.
import type { LimitKind } from '../../state/session-events.js'
export type { LimitKind }

/** hard_limit: schedule a resume at the reset; transient: short backoff; warning: do nothing. */
export type BannerCategory = 'hard_limit' | 'transient' | 'warning'

export interface Banner {
  category: BannerCategory
  kind: LimitKind
  /** The banner line as printed, without TUI glyphs, indentation or colour codes. */
  line: string
  /** What follows the banner's opening words, plus one continuation line: where "resets ..." is. */
  rest: string
  /** Epoch from the legacy `Claude AI usage limit reached|<epoch>` form, as written. */
  epoch: number | null
  note: string
}

type Verdict = Pick<Banner, 'category' | 'kind' | 'note'> & { epoch?: number }
interface Rule {
  re: RegExp
  judge: (m: RegExpExecArray, after: string) => Verdict | null
}

// A banner's opening words end at a separator or the end of the line; prose goes on with words
// ("You've hit your limit so I stopped" is not a banner).
const END = String.raw`(?=\s*(?:$|[·∙•|.,;:!()\-–—/]))`
const YOU_VE = String.raw`you(?:'ve|\s+have)`
const YOU_RE = String.raw`you(?:'re|\s+are)`
const QUALIFIER_WORD = String.raw`(?:claude|ai|opus|sonnet|haiku|weekly|daily|session|usage|5-hour|5\s+hour|five-hour|\d+(?:\.\d+)?)`

const RULES: Rule[] = [
  {
    re: /^claude\s+(?:ai\s+)?usage\s+limit\s+reached\s*\|\s*(\d{9,13})(?!\d)/i,
    judge: (m) => ({ ...hard('unknown', 'legacy banner with an epoch'), epoch: Number(m[1]) }),
  },
  {
    re: /^(?:api\s+error\b.*?)?(?:server\s+is\s+temporarily\s+limiting\s+requests|\(not\s+your\s+usage\s+limit\))/i,
    judge: () => transient('server_throttle', 'server throttle, not a usage limit: seconds-scale backoff'),
  },
  { re: /^api\s+error\b:?/i, judge: (_m, after) => apiError(after) },
  {
    re: new RegExp(`^${YOU_RE}\\s+out\\s+of\\s+extra\\s+usage${END}`, 'i'),
    judge: () => hard('extra_usage', 'out of extra usage'),
  },
  {
    re: new RegExp(`^(?:${YOU_RE}\\s+)?now\\s+using\\s+extra\\s+usage`, 'i'),
    judge: () => warning('extra_usage', 'switched to extra usage: work goes on'),
  },
  {
    re: new RegExp(`^${YOU_RE}\\s+close\\s+to\\s+your\\s+(.{0,40}?)limit`, 'i'),
    judge: (m) => warning(kindFrom(m[1]), 'warning: close to a limit'),
  },
  {
    re: new RegExp(`^${YOU_VE}\\s+used\\s+\\d+(?:\\.\\d+)?\\s*%\\s+of\\s+your\\s+((?:[\\w-]+\\s+){0,3}?)limit`, 'i'),
    judge: (m) => warning(kindFrom(m[1]), 'warning: usage percentage, not a limit'),
  },
  {
    re: /^approaching\s+([^·∙•|]{0,40})/i,
    judge: (m) => warning(kindFrom(m[1]), 'warning: approaching a limit'),
  },
  {
    re: new RegExp(`^${YOU_VE}\\s+hit\\s+your\\s+((?:[\\w.-]+\\s+){0,3}?)limit${END}`, 'i'),
    judge: (m) =>
      /fast/i.test(m[1] ?? '')
        ? warning('unknown', 'fast-mode cooldown: Claude goes on at normal speed')
        : hard(kindFrom(m[1]), 'hit a plan limit'),
  },
  {
    re: new RegExp(`^((?:${QUALIFIER_WORD}\\s+)*)limit\\s+reached${END}`, 'i'),
    judge: (m, after) =>
      /^\W*now\s+using\b/i.test(after)
        ? warning('unknown', 'model fallback: Claude switched models and went on')
        : hard(kindFrom(m[1]), 'plan limit reached'),
  },
]

function hard(kind: LimitKind, note: string): Verdict {
  return { category: 'hard_limit', kind, note }
}
function transient(kind: LimitKind, note: string): Verdict {
  return { category: 'transient', kind, note }
}
function warning(kind: LimitKind, note: string): Verdict {
  return { category: 'warning', kind, note }
}

function apiError(after: string): Verdict | null {
  if (/\b529\b|overloaded/i.test(after)) return transient('overloaded', 'API overloaded: short backoff')
  if (/\b429\b|rate[\s_-]?limit/i.test(after)) {
    return transient('api_rate_limit', 'API rate limit (API-key auth): short backoff, no reset time')
  }
  return null // other API errors are not about limits
}

/** Maps the words before "limit" to a kind ("Opus weekly" -> weekly_opus, "session" -> five_hour). */
export function kindFrom(qualifier: string | undefined): LimitKind {
  const q = (qualifier ?? '').toLowerCase()
  if (q.includes('opus')) return 'weekly_opus'
  if (q.includes('sonnet')) return 'weekly_sonnet'
  if (/extra|overage|credit/.test(q)) return 'extra_usage'
  if (/week|7-day|seven/.test(q)) return 'weekly'
  if (/5-hour|5 hour|five|session/.test(q)) return 'five_hour'
  return 'unknown'
}

// eslint-disable-next-line no-control-regex
const ANSI_RE = /\u001b\[[0-9;?]*[ -/]*[@-~]/g
const SPACES_RE = /[\u00a0\u2007\u2009\u202f]/g
// TUI glyphs (⎿ ● ⏺ ⚠ ✻), bullets, box lines and indentation before a banner.
const LEAD_RE = /^[\s⎿●⏺•·∙>*⚠\ufe0f✻✶✢│|\-–—]+/u
const APOSTROPHES_RE = /[’‘ʼ`´]/g

/** Every banner in `text`, in order; lines that are not banners are skipped. */
export function findBanners(text: string): Banner[] {
  const lines = text.split(/\r?\n|\r/).map(cleanLine)
  const found = lines.map((line) => judgeLine(line))
  const banners: Banner[] = []
  found.forEach((hit, i) => {
    if (!hit) return
    // A wrapped banner can carry its reset on the next line, unless that line is a banner too.
    const next = found[i + 1] === null ? (lines[i + 1]?.matching ?? '') : ''
    banners.push({
      category: hit.verdict.category,
      kind: hit.verdict.kind,
      note: hit.verdict.note,
      epoch: hit.verdict.epoch ?? null,
      line: lines[i]?.printed ?? '',
      rest: `${hit.after} ${next}`.trim(),
    })
  })
  return banners
}

interface CleanLine {
  printed: string // colour codes and leading glyphs removed, otherwise as printed
  matching: string // the same with one apostrophe: the form the rules read
}

function cleanLine(raw: string): CleanLine {
  const printed = raw.replace(ANSI_RE, '').replace(SPACES_RE, ' ').replace(LEAD_RE, '').trimEnd()
  return { printed, matching: printed.replace(APOSTROPHES_RE, "'") }
}

function judgeLine(line: CleanLine): { verdict: Verdict; after: string } | null {
  for (const rule of RULES) {
    const m = rule.re.exec(line.matching)
    if (!m) continue
    const after = line.matching.slice(m[0].length)
    const verdict = rule.judge(m, after)
    if (verdict) return { verdict, after }
  }
  return null
}
