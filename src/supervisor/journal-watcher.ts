// Watching is a hint, reading is the truth: chokidar 5 drops the last change of a burst
// (paulmillr/chokidar#1455), so every event also schedules a trailing read, and a periodic
// reconcile (readdir + stat) catches whatever the watcher missed.
import { watch, type FSWatcher } from 'chokidar'
import { stat, readdir } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { isValidSessionId } from '../journal/session-id.js'

export const TRAILING_READ_MS = 100

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
  private watcher: FSWatcher | null = null
  private readonly trailing = new Map<string, NodeJS.Timeout>()

  constructor(private readonly options: JournalWatcherOptions) {}

  async start(): Promise<void> {
    const { eventsDir, spoolDir } = this.options
    this.watcher = watch([eventsDir, spoolDir], {
      ignoreInitial: true,
      depth: 0,
      // Keep the folders themselves, drop temp files and claims (library notes, section 2).
      ignored: (path, stats) => !!stats?.isFile() && !path.endsWith('.jsonl') && !path.endsWith('.event'),
    })
    this.watcher.on('add', path => this.changed(path))
    this.watcher.on('change', path => this.changed(path))
    this.watcher.on('error', error => this.options.onError(error))
    await new Promise<void>(resolve => this.watcher!.once('ready', () => resolve()))
  }

  private changed(path: string): void {
    if (path.endsWith('.event')) {
      this.options.onSpool()
      return
    }
    const id = basename(path, '.jsonl')
    if (!isValidSessionId(id)) return
    this.options.onJournal(id)
    clearTimeout(this.trailing.get(id))
    this.trailing.set(
      id,
      setTimeout(() => {
        this.trailing.delete(id)
        this.options.onJournal(id)
      }, TRAILING_READ_MS),
    )
  }

  /** Journals with bytes beyond what was applied, whatever the watcher said. */
  async reconcile(): Promise<string[]> {
    const behind: string[] = []
    for (const name of await readdir(this.options.eventsDir).catch(() => [] as string[])) {
      if (!name.endsWith('.jsonl')) continue
      const id = name.slice(0, -'.jsonl'.length)
      if (!isValidSessionId(id)) continue
      const size = await stat(join(this.options.eventsDir, name)).then(s => s.size, () => 0)
      if (size > this.options.appliedOffset(id)) behind.push(id)
    }
    return behind
  }

  async stop(): Promise<void> {
    for (const timer of this.trailing.values()) clearTimeout(timer)
    this.trailing.clear()
    await this.watcher?.close()
  }
}
