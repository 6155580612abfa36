// The best usage figure for /health: Claude Code's exact one from the status line when fresh,
// else ccusage's estimate (run at most once per monitor interval), each labelled with its source.
import type { HomePaths } from '../home/home-paths.js'
import { CcusageSource, ccusageBin } from '../usage/ccusage-source.js'
import { bestUsage, readUsage, type BestUsage } from '../usage/usage-snapshot.js'
import type { Logger } from '../home/logger.js'

/** How much less often ccusage runs while no session waits for a reset. */
export const IDLE_SLOWDOWN = 10

export class UsageWatch {
  current: BestUsage | null = null
  private readonly ccusage: CcusageSource

  constructor(
    private readonly paths: HomePaths,
    env: NodeJS.ProcessEnv,
    private readonly intervalMs: number,
    private readonly log: Logger,
  ) {
    this.ccusage = new CcusageSource({ bin: ccusageBin(env), env })
  }

  /** `waiting`: some session waits for a limit to reset, so the figure matters now. */
  async refresh(now: number, { waiting = true }: { waiting?: boolean } = {}): Promise<void> {
    try {
      const exact = await readUsage(this.paths, now)
      // ccusage only when the status line has nothing fresh: it reads every transcript. With no
      // session waiting, the estimate is only shown, and a tenth as fresh is fresh enough.
      const fresh = exact.status === 'ok' && !exact.stale
      const intervalMs = waiting ? this.intervalMs : this.intervalMs * IDLE_SLOWDOWN
      const estimate = fresh ? null : await this.ccusage.poll({ now, intervalMs })
      if (estimate?.newFailure && estimate.usage.status === 'unknown') this.log.info('usage estimate unavailable', { reason: estimate.usage.reason })
      this.current = bestUsage(exact, estimate?.usage ?? this.ccusage.latest())
    } catch (error) {
      this.log.warn('usage refresh failed', { error: (error as Error).message })
    }
  }
}
