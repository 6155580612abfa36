// The best usage figure the adaptive retry can have right now: the exact one Claude Code gave
// the status line (usage.json) while it is fresh, else ccusage's estimate, else the exact one
// even if stale, each labelled with where it came from and why it was chosen. `bestUsage` is
// pure; `readUsage` only reads one file.
import { readFile } from 'node:fs/promises'
import type { HomePaths } from '../home/home-paths.js'
import type { CcusageUsage } from './ccusage-source.js'
import { MAX_USAGE_FILE_BYTES, parseUsageFile, type UsageFile } from './usage-file.js'

/** usage.json older than this is stale by default: a few monitor intervals without a turn. */
export const DEFAULT_USAGE_MAX_AGE_MS = 15 * 60_000

export type StatuslineReading =
  | {
      status: 'ok'
      usage: UsageFile
      ageMs: number
      /** older than maxAgeMs, or its five-hour window has reset since it was recorded */
      stale: boolean
      staleReason: string | null
    }
  | { status: 'missing' }
  | { status: 'invalid'; error: string }

/** Judges a parsed usage.json at `now`; pure. */
export function assessUsage(usage: UsageFile, now: number, { maxAgeMs = DEFAULT_USAGE_MAX_AGE_MS } = {}): StatuslineReading {
  const ageMs = now - Date.parse(usage.updatedAt)
  let staleReason: string | null = null
  const reset = usage.fiveHour?.resetsAt ? Date.parse(usage.fiveHour.resetsAt) : null
  if (reset !== null && reset <= now) staleReason = `its five-hour window reset at ${usage.fiveHour!.resetsAt}`
  else if (ageMs > maxAgeMs) staleReason = `recorded ${Math.round(ageMs / 60_000)} min ago (max ${Math.round(maxAgeMs / 60_000)})`
  return { status: 'ok', usage, ageMs, stale: staleReason !== null, staleReason }
}

/** Reads <home>/usage.json. A missing file is `missing`; an unreadable or malformed one `invalid`. */
export async function readUsage(
  paths: Pick<HomePaths, 'usageFile'>,
  now: number,
  options: { maxAgeMs?: number } = {},
): Promise<StatuslineReading> {
  let text: string
  try {
    text = await readFile(paths.usageFile, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT') return { status: 'missing' }
    return { status: 'invalid', error: `usage.json could not be read (${code ?? 'error'})` }
  }
  if (text.length > MAX_USAGE_FILE_BYTES) return { status: 'invalid', error: 'usage.json is too large' }
  const parsed = parseUsageFile(text)
  if (!parsed.ok) return { status: 'invalid', error: parsed.error }
  return assessUsage(parsed.usage, now, options)
}

export type UsageSourceName = 'statusline' | 'ccusage'

export interface BestUsage {
  /** percentage of the five-hour window used, or null when nothing knows */
  usedPercentage: number | null
  window: 'five_hour'
  /** when the window resets (ISO), as the chosen source says */
  resetsAt: string | null
  source: UsageSourceName | null
  /** the figure is an old exact one (nothing fresher was available) */
  stale: boolean
  /** when the chosen figure was taken (ISO) */
  updatedAt: string | null
  /** why this figure was chosen, for status and logs */
  reason: string
}

/**
 * Picks the figure, in this order:
 * 1. the status line's five-hour window, when fresh (exact);
 * 2. ccusage's estimate, when it has a percentage;
 * 3. the status line's five-hour window, stale (still exact about the past);
 * 4. nothing: `source: null` (ccusage without a token limit gives tokens, not a percentage).
 */
export function bestUsage(statusline: StatuslineReading | null, ccusage: CcusageUsage | null): BestUsage {
  const exact = statusline?.status === 'ok' && statusline.usage.fiveHour ? statusline : null
  const fromStatusline = (reading: typeof exact & {}, reason: string): BestUsage => ({
    usedPercentage: reading.usage.fiveHour!.usedPercentage,
    window: 'five_hour',
    resetsAt: reading.usage.fiveHour!.resetsAt,
    source: 'statusline',
    stale: reading.stale,
    updatedAt: reading.usage.updatedAt,
    reason,
  })
  if (exact && !exact.stale) return fromStatusline(exact, 'exact figure from the status line')
  const why = exact
    ? `the status line figure is stale: ${exact.staleReason}`
    : statusline?.status === 'invalid'
      ? statusline.error
      : statusline?.status === 'ok'
        ? 'the status line had no five-hour figure'
        : 'no status line figure (is statusLine set to session-retry statusline?)'
  if (ccusage?.status === 'ok' && ccusage.usedPercentage !== null) {
    return {
      usedPercentage: ccusage.usedPercentage,
      window: 'five_hour',
      resetsAt: ccusage.resetsAt,
      source: 'ccusage',
      stale: false,
      updatedAt: ccusage.checkedAt,
      reason: `estimate from ccusage; ${why}`,
    }
  }
  const ccusageWhy =
    ccusage === null
      ? 'ccusage not run'
      : ccusage.status === 'unknown'
        ? `ccusage: ${ccusage.reason}`
        : 'ccusage knows no token limit yet'
  if (exact) return fromStatusline(exact, `${why}; ${ccusageWhy}`)
  return { usedPercentage: null, window: 'five_hour', resetsAt: null, source: null, stale: false, updatedAt: null, reason: `${why}; ${ccusageWhy}` }
}
