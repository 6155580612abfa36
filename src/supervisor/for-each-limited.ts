// Runs `job` for every item with at most `limit` running at once: restoring a thousand sessions
// overlaps their file reads without opening a thousand files at once.
export async function forEachLimited<T>(items: Iterable<T>, limit: number, job: (item: T) => Promise<void>): Promise<void> {
  const iterator = items[Symbol.iterator]()
  const worker = async (): Promise<void> => {
    for (let next = iterator.next(); !next.done; next = iterator.next()) await job(next.value)
  }
  await Promise.all(Array.from({ length: Math.max(1, limit) }, worker))
}
