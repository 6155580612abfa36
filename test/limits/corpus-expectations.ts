// Turns the corpus rows into checkable expectations: every wall time ("2026-07-13T20:30
// Asia/Tokyo") becomes epoch ms through luxon, so expected instants are computed by a time-zone
// library and never by hand. Also splits off the held-out rows (every fourth one), which were
// kept aside while the parser was changed.
import { DateTime } from 'luxon'
import { CORPUS, type CorpusRow, type Expect } from './limit-corpus.js'
import type { LimitParse } from '../../src/limits/parse-limit-message.js'

export interface BuiltRow extends CorpusRow {
  index: number
  nowMs: number
  tz: string
  /** Expected resetAt in epoch ms, or null; undefined when the row is not a hard limit. */
  resetAt: number | null | undefined
  heldOut: boolean
}

/** "YYYY-MM-DDTHH:mm Zone" or "epoch <seconds>" to epoch ms. Throws on anything else. */
export function instantOf(spec: string): number {
  const epoch = /^epoch (\d+)$/.exec(spec)
  if (epoch) return Number(epoch[1]) * 1000
  const [wall, zone] = spec.split(' ')
  const at = DateTime.fromISO(wall ?? '', { zone: zone ?? 'invalid' })
  if (!at.isValid || !zone || at.toFormat("yyyy-MM-dd'T'HH:mm") !== wall) throw new Error(`not a wall time that exists: ${spec}`)
  return at.toMillis()
}

function zoneOf(spec: string): string {
  return spec.split(' ')[1] ?? 'UTC'
}

export function buildRows(rows: CorpusRow[] = CORPUS): BuiltRow[] {
  return rows.map((row, index) => ({
    ...row,
    index,
    nowMs: instantOf(row.now),
    tz: row.tz ?? zoneOf(row.now),
    resetAt: row.expect.category === 'hard_limit' ? (row.expect.at === null ? null : instantOf(row.expect.at)) : undefined,
    heldOut: index % 4 === 3,
  }))
}

/** Differences between what a row expects and what the parser said; empty when they agree. */
export function verdictDiffs(row: BuiltRow, got: Pick<LimitParse, 'category' | 'kind' | 'resetAt'>): string[] {
  const diffs: string[] = []
  const want: Expect = row.expect
  if (got.category !== want.category) diffs.push(`category ${String(got.category)} != ${want.category}`)
  if ((want.category === 'hard_limit' || want.category === 'transient') && got.kind !== want.kind) {
    diffs.push(`kind ${String(got.kind)} != ${want.kind}`)
  }
  if (want.category === 'hard_limit' && got.resetAt !== row.resetAt) {
    const show = (ms: number | null | undefined) => (typeof ms === 'number' ? new Date(ms).toISOString() : String(ms))
    diffs.push(`resetAt ${show(got.resetAt)} != ${show(row.resetAt)}`)
  }
  return diffs
}
