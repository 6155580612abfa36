// Watching is a hint, reading is the truth. The events folder and the spool each have one fs.watch
// (folder-watch.ts). chokidar 5 watched both before: on each append it re-listed the events folder
// and stat-ed every journal (bench/journal-watcher.bench.mjs measures both), and on each spool file
// it re-listed the spool and stat-ed its entries while the hook that wrote it was still running,
// which Claude Code waits for. A spool change is swept SPOOL_SETTLE_MS later; a write after that
// sweep (a file it found incomplete) is a change of its own. The periodic reconcile (readdir +
// stat) catches whatever either watch missed.
import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { FolderWatch } from './folder-watch.js'
import { isValidSessionId } from '../home/session-id.js'

/**
 * A spool file is promoted this long after the change that named it, together with whatever else
 * changed meanwhile, not at once. Claude Code is busiest around its hooks (starting, sending the
 * prompt, finishing a turn), and a supervisor promoting and writing state files then competes with
 * it for the CPU; a second later it is usually waiting for the API or for the user. Nothing waits
 * on this: before a due session is resumed, the spool is promoted at once (supervisor.ts).
 */
export const SPOOL_SETTLE_MS = 1000

const JOURNAL_SUFFIX = '.jsonl'
const SPOOL_SUFFIX = '.event'

export interface JournalWatcherOptions {
  eventsDir: string
  spoolDir: string
  onJournal: (sessionId: string) => void
  onSpool: () => void
  onError: (error: unknown) => void
  /** Offset applied so far, to decide in the reconcile which journals have unread bytes. */
  appliedOffset: (sessionId: string) => number
}

export class JournalWatcher {
  private readonly journals: FolderWatch
  private readonly spool: FolderWatch
  private settling: NodeJS.Timeout | null = null
  private stopped = false

  constructor(private readonly options: JournalWatcherOptions) {
    this.journals = new FolderWatch(
      options.eventsDir,
      name => {
        // No name (some platforms, or an overflow): the next reconcile finds the journal.
        const id = name === null ? null : journalId(name)
        if (id !== null) options.onJournal(id)
      },
      options.onError,
    )
    this.spool = new FolderWatch(options.spoolDir, name => (name === null || name.endsWith(SPOOL_SUFFIX) ? this.spoolChanged() : undefined), options.onError)
  }

  async start(): Promise<void> {
    this.journals.renew()
    this.spool.renew()
  }

  /** Journals with bytes beyond what was applied, whatever the watcher said (one stat per journal). */
  reconcile(): string[] {
    // A watch lost to an error, or to its folder (removed and made again), is set up anew here.
    if (!this.stopped) {
      this.journals.renew()
      this.spool.renew()
    }
    const behind: string[] = []
    let names: string[]
    try {
      names = readdirSync(this.options.eventsDir)
    } catch {
      return behind
    }
    for (const name of names) {
      const id = journalId(name)
      if (id === null) continue
      if (journalSize(join(this.options.eventsDir, name)) > this.options.appliedOffset(id)) behind.push(id)
    }
    return behind
  }

  async stop(): Promise<void> {
    this.stopped = true
    if (this.settling) clearTimeout(this.settling)
    this.journals.close()
    this.spool.close()
  }

  private spoolChanged(): void {
    if (this.stopped) return
    this.settling ??= setTimeout(() => {
      this.settling = null
      this.options.onSpool()
    }, SPOOL_SETTLE_MS)
  }
}

/** 0 for a journal that is gone or unreadable: nothing to read there now. */
function journalSize(file: string): number {
  try {
    return statSync(file).size
  } catch {
    return 0
  }
}

function journalId(name: string): string | null {
  if (!name.endsWith(JOURNAL_SUFFIX)) return null
  const id = name.slice(0, -JOURNAL_SUFFIX.length)
  return isValidSessionId(id) ? id : null
}
