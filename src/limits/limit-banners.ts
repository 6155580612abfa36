// Finds Claude Code limit banners in free text and says what each one is: a hard plan limit, a
// limit no reset clears, a transient API error, or a look-alike (a gauge, a switch to credits,
// another coding agent's message). The wording families, their sources and the look-alikes are
// listed in docs/limit-texts.md. Pure: no clock, no zone; reading the reset time is
// reset-time.ts's job, cleaning terminal text is normalize-text.ts's.

// One list of limit kinds for the parser and the machine.
import type { LimitKind } from '../../state/session-events.js'
import { normalizeText, type NormalizedLine } from './normalize-text.js'
export type { LimitKind }

/**
 * hard_limit: schedule a resume at the reset; blocked: a limit no reset clears (an admin or
 * organisation setting, credits that must be bought), so waiting does not help; transient: short
 * backoff; warning: a look-alike of Claude Code's own that never schedules anything.
 */
export type BannerCategory = 'hard_limit' | 'blocked' | 'transient' | 'warning'

/** The wording family a banner belongs to; 'other-agent' marks a look-alike from another tool. */
export type BannerFamily =
  | 'legacy-epoch'
  | 'legacy-sentence'
  | 'limit-reached'
  | 'hit-your-limit'
  | 'out-of-extra-usage'
  | 'out-of-usage-credits'
  | 'usage-limit-reached'
  | 'auto-continue'
  | 'auto-continue-stopped'
  | 'no-reset'
  | 'server-throttle'
  | 'api-rate-limit'
  | 'overloaded'
  | 'usage-gauge'
  | 'now-using-credits'
  | 'model-fallback'
  | 'fast-mode'
  | 'other-agent'

export interface Banner {
  category: BannerCategory | 'none'
  kind: LimitKind
  family: BannerFamily
  /** The banner line as printed, without TUI glyphs, indentation or escape sequences. */
  line: string
  /** What follows the banner's opening words, plus one continuation line: where "resets ..." is. */
  rest: string
  /** Epoch from the legacy `Claude AI usage limit reached|<epoch>` form, as written. */
  epoch: number | null
  note: string
  /** The banner's head was wrapped onto the next line and joined back. */
  joined: boolean
}

export interface FoundBanners {
  /** Banners in order; other agents' messages are kept, with category 'none'. */
  banners: Banner[]
  /** Normalisations that changed the text before matching. */
  applied: string[]
}

type Verdict = Pick<Banner, 'kind' | 'family' | 'note'> & { category: Banner['category']; epoch?: number }
interface Rule {
  /** Sticky: tried at each place a banner may start. */
  re: RegExp
  judge: (m: RegExpExecArray, after: string, next: string) => Verdict | null
}

const YOU_VE = String.raw`you(?:'ve|\s+have)`
const YOU_RE = String.raw`you(?:'re|\s+are)`
const QUALIFIER_WORD = String.raw`(?:claude|ai|opus|sonnet|haiku|fable|weekly|daily|session|usage|5-hour|5\s+hour|five-hour|\d+(?:\.\d+)?)`

// What Claude Code puts after a limit's name: a separator, then one of the clauses its banner
// builders write. Anything else ("∙ but only worked for 2 hours!") is a person's sentence.
const CLAUSE = String.raw`(?:resets?\b|limit\s+resets|your\s+[\w' -]{0,30}?(?:limit|budget)\s+resets|progress\s+saved|out\s+of\s+usage|raise\s+it|ask\s+your|contact\s+your|run\s|visit\s|\/|set\s+to\s+continue|continuing\s+automatically|wrapping\s+up|brief\s+included|esc\b)`
const TAIL_RE = new RegExp(String.raw`^(?:\s+again\b(?:\s+after\s+you\s+continued)?)?\s*(?:\.?\s*$|[·∙•|\-–—]\s*(?:$|${CLAUSE}))`, 'i')
// Other coding agents that print limit messages of their own (Codex, Cursor, Gemini CLI, ...).
const OTHER_AGENT_RE = /\b(?:codex|chatgpt|openai|cursor|gemini|copilot|kiro|free\s+requests|resource_exhausted|quota)\b/i
// Codex and Cursor go on after the limit's name with a sentence; Claude Code never does.
const SENTENCE_AFTER_RE = /^\.\s+(?:upgrade|try\s+again|get\s)/i

const RULES: Rule[] = [
  {
    re: /claude\s+(?:ai\s+)?usage\s+limit\s+reached\s*\|\s*(\d{9,13})(?!\d)/iy,
    judge: (m) => ({ ...hard('unknown', 'legacy-epoch', 'legacy banner with an epoch'), epoch: Number(m[1]) }),
  },
  { re: /api\s+error\b:?/iy, judge: (_m, after, next) => apiError(after, next) },
  {
    re: new RegExp(`${YOU_RE}\\s+out\\s+of\\s+extra\\s+usage`, 'iy'),
    judge: (_m, after) => (TAIL_RE.test(after) ? hard('extra_usage', 'out-of-extra-usage', 'out of extra usage') : null),
  },
  {
    re: new RegExp(`${YOU_RE}\\s+out\\s+of\\s+usage\\s+credits`, 'iy'),
    judge: (_m, after) =>
      /\bresets?\b/i.test(after)
        ? hard('extra_usage', 'out-of-usage-credits', 'out of usage credits until the plan limit resets')
        : blocked('extra_usage', 'out of usage credits and no reset given: only buying credits or switching models helps'),
  },
  {
    re: /(?:usage\s+is\s+paused\s+for\s+your\s+organization|your\s+usage\s+allocation\s+has\s+been\s+disabled|your\s+group's\s+usage\s+limit\s+is\s+set\s+to\s+\$0|your\s+seat\s+type\s+doesn't\s+include|your\s+organization\s+is\s+out\s+of\s+usage\s+credits|your\s+org\s+is\s+out\s+of\s+usage|this\s+service\s+is\s+disabled\s+for\s+your\s+org)/iy,
    judge: () => blocked('unknown', 'an organisation or admin setting: no reset clears it'),
  },
  {
    re: new RegExp(`(?:${YOU_RE}\\s+)?now\\s+using\\s+(?:extra\\s+usage|usage\\s+credits|credits|your\\s+usage\\s+allocation)`, 'iy'),
    judge: () => warning('extra_usage', 'now-using-credits', 'switched to extra usage or credits: work goes on'),
  },
  {
    re: new RegExp(`${YOU_RE}\\s+close\\s+to\\s+your\\s+(.{0,40}?)limit`, 'iy'),
    judge: (m) => warning(kindFrom(m[1]), 'usage-gauge', 'warning: close to a limit'),
  },
  {
    re: new RegExp(`${YOU_VE}\\s+used\\s+\\d+(?:\\.\\d+)?\\s*%\\s+of\\s+your\\s+((?:[\\w'-]+\\s+){0,3}?)limit`, 'iy'),
    judge: (m) => warning(kindFrom(m[1]), 'usage-gauge', 'warning: usage percentage, not a limit'),
  },
  {
    re: /over\s+\d+(?:\.\d+)?\s*%\s+of\s+your\s+((?:[\w'-]+\s+){0,3}?)(?:limit|usage\s+credits)\s+used/iy,
    judge: (m) => warning(kindFrom(m[1]), 'usage-gauge', 'warning: usage percentage, not a limit'),
  },
  {
    re: /approaching\s+((?:[\w'-]+\s+){0,3}?)limit\b/iy,
    judge: (m) => warning(kindFrom(m[1]), 'usage-gauge', 'warning: approaching a limit'),
  },
  {
    re: new RegExp(`${YOU_VE}\\s+hit\\s+your\\s+((?:[\\w'.$-]+\\s+){0,4}?)limit\\b`, 'iy'),
    judge: (m, after, next) => hitYourLimit(m[1] ?? '', after, next),
  },
  {
    re: new RegExp(`((?:${QUALIFIER_WORD}\\s+)*)limit\\s+reached`, 'iy'),
    judge: (m, after, next) => limitReached(m[1] ?? '', after, next),
  },
  {
    re: /continuing\s+(?=automatically\s+(?:at|in)\b)/iy,
    judge: () => hard('unknown', 'auto-continue', "Claude Code's own auto-continue is waiting for the reset"),
  },
  {
    re: /automatic\s+continue\s+stopped\b/iy,
    judge: (_m, after) =>
      /usage[\s-]limit|repeated/i.test(after)
        ? hard('unknown', 'auto-continue-stopped', "Claude Code's own auto-continue gave up: the session will not resume by itself")
        : null,
  },
]

// Places where a rule may start: the first letter of one of the rules' opening words.
const OPENER_RE =
  /\b(?:you(?:'ve|'re|\s+have|\s+are)|claude|ai|opus|sonnet|haiku|fable|weekly|daily|session|usage|5-hour|5\s+hour|five-hour|\d+(?:\.\d+)?\s+limit|approaching|over\s+\d|api\s+error|now\s+using|continuing\s+automatically|automatic\s+continue|your\s+(?:org|organization|group|usage|seat)|this\s+service)/gi
// Text before a banner that a wrapper or a log adds ends in a separator ("[INFO] ", "wrapper: ",
// a column gap); text that ends in a word is a sentence quoting the banner.
const PREFIX_OK_RE = /^[\s\p{P}\p{S}]*$|(?:[:\]>|»›)]|\s{2,})[\s\p{P}\p{S}]*$/u
// A line that may hold the first half of a banner wrapped by a narrow terminal.
const HINT_RE = /\b(?:hit|limit|usage|reached|out\s+of|automatic|continuing)\b/i

function hard(kind: LimitKind, family: BannerFamily, note: string): Verdict {
  return { category: 'hard_limit', kind, family, note }
}
function blocked(kind: LimitKind, note: string): Verdict {
  return { category: 'blocked', kind, family: 'no-reset', note }
}
function transient(kind: LimitKind, family: BannerFamily, note: string): Verdict {
  return { category: 'transient', kind, family, note }
}
function warning(kind: LimitKind, family: BannerFamily, note: string): Verdict {
  return { category: 'warning', kind, family, note }
}
function otherAgent(note: string): Verdict {
  return { category: 'none', kind: 'unknown', family: 'other-agent', note }
}

function apiError(after: string, next: string): Verdict | null {
  if (OTHER_AGENT_RE.test(`${after} ${next}`)) return otherAgent("another agent's API error (Gemini, Codex, ...), not Claude Code's")
  if (/temporarily\s+limiting\s+requests|\(not\s+your\s+usage\s+limit\)/i.test(after)) {
    return transient('server_throttle', 'server-throttle', 'server throttle, not a usage limit: seconds-scale backoff')
  }
  if (/\b529\b|overloaded/i.test(after)) return transient('overloaded', 'overloaded', 'API overloaded: short backoff')
  if (/\b429\b|rate[\s_-]?limit/i.test(after)) {
    return transient('api_rate_limit', 'api-rate-limit', 'API rate limit (API-key auth): short backoff, no reset time')
  }
  return null // other API errors are not about limits
}

function hitYourLimit(qualifier: string, after: string, next: string): Verdict | null {
  if (SENTENCE_AFTER_RE.test(after) || OTHER_AGENT_RE.test(`${qualifier} ${after} ${next}`)) {
    return otherAgent("another agent's limit message (Codex, Cursor, ...), not Claude Code's")
  }
  if (!TAIL_RE.test(after)) return null // a sentence that goes on after "limit"
  if (/fast/i.test(qualifier)) return warning('unknown', 'fast-mode', 'fast-mode cooldown: Claude goes on at normal speed')
  return hard(kindFrom(qualifier), 'hit-your-limit', 'hit a plan limit')
}

function limitReached(qualifier: string, after: string, next: string): Verdict | null {
  if (/^\W*now\s+using\b/i.test(after)) return warning('unknown', 'model-fallback', 'model fallback: Claude switched models and went on')
  if (/^\s+for\b/i.test(after) || OTHER_AGENT_RE.test(`${after} ${next}`)) {
    return otherAgent("another agent's limit message (Gemini CLI, ...), not Claude Code's")
  }
  const words = qualifier.trim().toLowerCase().split(/\s+/).filter(Boolean)
  if (words.includes('claude') && words.includes('usage')) return legacySentence(after)
  if (words.length === 0) return null
  if (words.join(' ') === 'usage') return usageLimitReached(after)
  return TAIL_RE.test(after) ? hard(kindFrom(qualifier), 'limit-reached', 'plan limit reached') : null
}

function legacySentence(after: string): Verdict | null {
  const ok = /^\s*\.?\s*$|^\.\s+(?:your\s+limit\s+will\s+reset|resets?)\b/i.test(after)
  return ok ? hard('unknown', 'legacy-sentence', 'legacy "Claude usage limit reached" sentence') : null
}

// "Usage limit reached · ..." lines of the 2.1.x TUI: the auto-continue status, the wrap-up.
function usageLimitReached(after: string): Verdict | null {
  if (!TAIL_RE.test(after)) return null
  if (/brief\s+included\s+wrap-up,\s+then\s+usage\s+credits/i.test(after)) {
    return warning('extra_usage', 'now-using-credits', 'wrap-up, then usage credits: work goes on')
  }
  if (/continu(?:e|ing)\s+automatically/i.test(after)) {
    return hard('unknown', 'auto-continue', "usage limit reached; Claude Code's own auto-continue is armed")
  }
  return hard('unknown', 'usage-limit-reached', 'usage limit reached')
}

/** Maps the words before "limit" to a kind ("Opus weekly" -> weekly_opus, "session" -> five_hour). */
export function kindFrom(qualifier: string | undefined): LimitKind {
  const q = (qualifier ?? '').toLowerCase()
  if (q.includes('opus')) return 'weekly_opus'
  if (q.includes('sonnet')) return 'weekly_sonnet'
  if (/extra|overage|credit|spend/.test(q)) return 'extra_usage'
  // seven_day_overage_included is named "Fable limit" by Claude Code 2.1.331.
  if (/week|7-day|seven|fable/.test(q)) return 'weekly'
  if (/5-hour|5 hour|five|session/.test(q)) return 'five_hour'
  return 'unknown'
}

/** Every banner in `text`, in order, and the normalisations applied; other lines are skipped. */
export function findBanners(text: string): FoundBanners {
  const { lines, applied } = normalizeText(text)
  const found = lines.map((line, i) => judgeLine(line.matching, lines[i + 1]?.matching))
  let joined = false
  found.forEach((hit, i) => {
    if (hit || !HINT_RE.test(lines[i]?.matching ?? '') || i + 1 >= lines.length) return
    const both = judgeLine(`${lines[i]?.matching ?? ''} ${lines[i + 1]?.matching ?? ''}`, lines[i + 2]?.matching)
    // Only a banner that starts on this line and runs into the next one is a wrapped head.
    if (both && both.start < (lines[i]?.matching.length ?? 0) && both.end > (lines[i]?.matching.length ?? 0)) {
      found[i] = { ...both, joined: true, secondLine: lines[i + 1]?.printed ?? '' }
      found[i + 1] = null
      lines[i + 1] = { printed: '', matching: '' }
      joined = true
    }
  })
  if (joined) applied.push('joined a banner wrapped across two lines')
  return { banners: collect(lines, found), applied }
}

interface LineHit {
  verdict: Verdict
  after: string
  start: number
  end: number
  joined?: boolean
  /** A joined banner's second line as printed: the rest of its head is there, not only `after`. */
  secondLine?: string
}

function collect(lines: NormalizedLine[], found: (LineHit | null)[]): Banner[] {
  const banners: Banner[] = []
  found.forEach((hit, i) => {
    if (!hit) return
    // A wrapped banner can carry its reset on the next line, unless that line is a banner too.
    const next = found[i + 1] ? '' : (lines[i + 1]?.matching ?? '')
    const line = hit.joined ? `${lines[i]?.printed ?? ''} ${hit.secondLine ?? ''}`.trim() : (lines[i]?.printed ?? '')
    banners.push({
      category: hit.verdict.category,
      kind: hit.verdict.kind,
      family: hit.verdict.family,
      note: hit.verdict.note,
      epoch: hit.verdict.epoch ?? null,
      line,
      rest: `${hit.after} ${next}`.trim(),
      joined: hit.joined === true,
    })
  })
  return banners
}

function judgeLine(line: string, next = ''): LineHit | null {
  if (!line) return null
  for (const start of candidateStarts(line)) {
    for (const rule of RULES) {
      rule.re.lastIndex = start
      const m = rule.re.exec(line)
      if (!m) continue
      const end = start + m[0].length
      const after = line.slice(end)
      const verdict = rule.judge(m, after, next)
      if (verdict) return { verdict, after, start, end }
    }
  }
  return null
}

function candidateStarts(line: string): number[] {
  const starts: number[] = []
  OPENER_RE.lastIndex = 0
  for (let m = OPENER_RE.exec(line); m; m = OPENER_RE.exec(line)) {
    if (PREFIX_OK_RE.test(line.slice(0, m.index))) starts.push(m.index)
  }
  return starts
}
