// What stage 2 adds to a hook's record beyond its payload, used by every promoter of the spool
// (stage 2 itself and the supervisor's sweep), so a record reads the same whoever promoted it:
// - Stop/StopFailure carry the status line's five-hour figure, so a replay decides the same way;
// - a SessionEnd whose turn ended on a limit the hook never delivered gets that StopFailure back.
import type { PromoteSteps } from '../journal/promote-spool.js'
import type { HomePaths } from '../home/home-paths.js'
import { readFileSafe } from '../home/safe-files.js'
import { parseUsageFile } from '../usage/usage-file.js'
import { assessUsage } from '../usage/usage-snapshot.js'
import { recoverLostLimit } from './recover-lost-limit.js'

export function enrichmentSteps(paths: HomePaths, now: () => number): PromoteSteps {
  return {
    enrich: record => {
      if (record.event !== 'StopFailure' && record.event !== 'Stop') return
      const used = freshUsage(paths, now())
      if (used !== null) record.usedPercentage = used
    },
    followUp: record => (record.event === 'SessionEnd' ? recoverLostLimit(paths, record) : null),
  }
}

function freshUsage(paths: HomePaths, now: number): number | null {
  try {
    const parsed = parseUsageFile(readFileSafe(paths.usageFile))
    if (!parsed.ok) return null
    const reading = assessUsage(parsed.usage, now)
    return reading.status === 'ok' && !reading.stale ? (parsed.usage.fiveHour?.usedPercentage ?? null) : null
  } catch {
    return null
  }
}

