// From any banner text Claude Code prints (hook payloads, transcripts, a pasted terminal line) to
// "is this a hard limit, which one, and when does it reset". Pure: `now` and the zone of the
// machine that printed the text are arguments; nothing here reads the clock, env or files.
import { findBanners, type Banner, type BannerCategory, type BannerFamily, type LimitKind } from './limit-banners.js'
import { isKnownZone, readResetExpression, resolveWallTime, type ResetExpression } from './reset-time.js'

export type { LimitKind, BannerCategory, BannerFamily } from './limit-banners.js'
export { STALE_AFTER_MS, UNDATED_MAX_AHEAD_MS, DATED_MAX_AHEAD_MS } from './reset-time.js'

/** Where resetAt came from: a wall time in the banner, the legacy `|<epoch>`, `in 2 hours`, or nowhere. */
export type ResetSource = 'banner' | 'legacy-epoch' | 'relative' | 'none'

/**
 * The verdict on one text. JSON-friendly: numbers, strings, booleans and null only.
 *
 * - `limited`: a hard plan limit (5-hour, weekly, Opus/Sonnet, extra usage): the session is stuck
 *   until `resetAt`, so a resume should be scheduled.
 * - `transient`: an API 429 under API-key auth, a 529 overload or a server throttle. The session
 *   stopped, but there is no reset time to wait for: retry after a short backoff. `limited` is
 *   false for these, so "limited" always means "wait for a plan reset".
 * - `category`: 'blocked' for a limit no reset clears (an organisation or admin setting, usage
 *   credits that must be bought): the session is stuck, but waiting will not help, so `limited`
 *   is false; 'warning' for Claude Code's own look-alikes (`Approaching ...`, `You've used 98%
 *   ...`), which never schedule anything; 'none' when the text holds no Claude Code banner
 *   (another agent's limit message is 'none' too, with family 'other-agent').
 * - `family`: the wording family that matched (docs/limit-texts.md lists them and their sources).
 * - `resetAt`: epoch ms, or null (no time in the text, a stale time, or a warning). It may lie in
 *   the past: the reset has already happened, resume now.
 * - `zone`: the zone the wall time was read in (the banner's own, else `timeZone`); null when no
 *   wall time was read. `unknownZone`: a zone name in the banner that is not a known zone (then
 *   `timeZone` was used instead).
 * - `stale`: the banner's undated time passed long ago, so no reset instant is given.
 * - `matched`: the banner line used (when several banners appear, the last one counts).
 * - `reasons`: short explanations for people, printed as they are, so what the parser did and
 *   what it says it did cannot drift.
 */
export interface LimitParse {
  limited: boolean
  transient: boolean
  category: BannerCategory | 'none'
  family: BannerFamily | null
  kind: LimitKind | null
  resetAt: number | null
  source: ResetSource
  zone: string | null
  unknownZone: string | null
  stale: boolean
  matched: string | null
  reasons: string[]
}

export interface ParseOptions {
  /** The instant the text is read at (or was printed at, when known): epoch ms. */
  now: number
  /** IANA zone of the machine that printed the text; used when the banner names no zone. */
  timeZone: string
}

// The keyword before a reset time: "resets 3am", "will reset at 1pm", "resets in 2 hours",
// "set to continue automatically at 4:24am", "try again in 30 seconds".
const RESET_KEYWORD_RE = /\b(?:resets?(?:\s+(?:at|by))?|(?:continu(?:e|ing)\s+)?automatically\s+at|try\s+again(?=\s+(?:at|in)\s))\s+/gi

export function parseLimitMessage(text: string, options: ParseOptions): LimitParse {
  const { banners: all, applied } = findBanners(text)
  const reasons = applied.length > 0 ? [`normalised: ${applied.join('; ')}`] : []
  const banners = all.filter((b) => b.category !== 'none')
  const banner = pick(banners, reasons)
  if (!banner) return noBanner(all, reasons)
  reasons.unshift(`family ${banner.family}: ${banner.note}`)
  if (banner.joined) reasons.push('the banner was wrapped across two lines and read joined')
  const base: LimitParse = {
    ...noLimit(),
    limited: banner.category === 'hard_limit',
    transient: banner.category === 'transient',
    category: banner.category,
    family: banner.family,
    kind: banner.kind,
    matched: banner.line,
    reasons,
  }
  // A warning's reset is when the window rolls over, not a time to resume anything; a blocked
  // limit has none that matters.
  if (banner.category !== 'hard_limit' && banner.category !== 'transient') return base
  return { ...base, ...readReset(banner, options, reasons) }
}

// Claude Code's own auto-continue lines follow the banner they react to: when both are in the
// text, the banner (with its kind and reset) is the one to read.
const FOLLOWERS: readonly BannerFamily[] = ['auto-continue', 'auto-continue-stopped']

function pick(banners: Banner[], reasons: string[]): Banner | undefined {
  const last = banners.at(-1)
  if (!last) return undefined
  if (banners.length > 1) reasons.push(`${banners.length} banners in the text: the last one counts`)
  if (!FOLLOWERS.includes(last.family)) return last
  const led = banners.filter((b) => b.category === 'hard_limit' && !FOLLOWERS.includes(b.family)).at(-1)
  if (!led) return last
  reasons.push(`"${last.line}" (${last.family}) follows the banner above: that banner is read`)
  if (last.family === 'auto-continue-stopped') reasons.push("Claude Code's own auto-continue gave up on this session")
  return led
}

function noBanner(all: Banner[], reasons: string[]): LimitParse {
  const other = all.find((b) => b.family === 'other-agent')
  if (!other) return { ...noLimit(), reasons: [...reasons, 'no limit banner in the text'] }
  return {
    ...noLimit(),
    family: 'other-agent',
    matched: other.line,
    reasons: [...reasons, `family other-agent: ${other.note}`, 'no Claude Code limit banner in the text'],
  }
}

/** The parse of a text with no limit in it; callers add their reasons. */
export function noLimit(): LimitParse {
  return {
    limited: false,
    transient: false,
    category: 'none',
    family: null,
    kind: null,
    resetAt: null,
    source: 'none',
    zone: null,
    unknownZone: null,
    stale: false,
    matched: null,
    reasons: [],
  }
}

type ResetPart = Pick<LimitParse, 'resetAt' | 'source' | 'zone' | 'unknownZone' | 'stale'>

function readReset(banner: Banner, options: ParseOptions, reasons: string[]): Partial<ResetPart> {
  if (banner.epoch !== null) {
    // Ten digits are seconds (the legacy form); thirteen are already milliseconds.
    const ms = banner.epoch < 1e12 ? banner.epoch * 1000 : banner.epoch
    reasons.push('reset taken from the legacy epoch')
    return { resetAt: ms, source: 'legacy-epoch' }
  }
  const expression = findResetExpression(banner.rest)
  if (!expression) {
    reasons.push('no reset time in the banner')
    return {}
  }
  if (expression.type === 'relative') {
    reasons.push(`reset "${expression.text}" counted from now`)
    return { resetAt: options.now + expression.ms, source: 'relative' }
  }
  return readWallTime(expression, options, reasons)
}

function findResetExpression(rest: string): ResetExpression | null {
  for (const keyword of rest.matchAll(RESET_KEYWORD_RE)) {
    const expression = readResetExpression(rest.slice((keyword.index ?? 0) + keyword[0].length))
    if (expression) return expression
  }
  return null
}

function readWallTime(
  expression: Extract<ResetExpression, { type: 'absolute' }>,
  options: ParseOptions,
  reasons: string[],
): Partial<ResetPart> {
  const { zone, unknownZone } = chooseZone(expression.wall.zoneName, () => options.timeZone, reasons)
  const resolved = resolveWallTime(expression.wall, zone, options.now)
  reasons.push(`"${expression.text}" read in ${zone}: ${resolved.reason}`)
  return { resetAt: resolved.resetAt, stale: resolved.stale, source: 'banner', zone, unknownZone }
}

/**
 * The zone the banner names, else the local one. The local zone is asked for only when needed: a
 * caller may look it up on first use (asking Intl pages in ICU's data).
 */
function chooseZone(
  written: string | null,
  fallback: () => string,
  reasons: string[],
): { zone: string; unknownZone: string | null } {
  if (written !== null && isKnownZone(written)) return { zone: written, unknownZone: null }
  const wanted = fallback()
  const local = isKnownZone(wanted) ? wanted : 'UTC'
  if (local !== wanted) reasons.push(`timeZone "${wanted}" is not a known zone: used UTC`)
  if (written === null) return { zone: local, unknownZone: null }
  reasons.push(`zone "${written}" is not a known zone: used ${local}`)
  return { zone: local, unknownZone: written }
}
