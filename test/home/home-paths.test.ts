// Where the summary files live, where a reader finds them during the move, and why no session
// may be named like them.
import t from 'tap'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { homePaths, sessionFile, SUMMARY_FILE_NAMES, summaryFileToRead } from '../../src/home/home-paths.js'
import { describeBadSessionId, isValidSessionId } from '../../src/home/session-id.js'

t.test("the summary files are in sessions/, where DevFlow's readers look; version 0.1's place is kept for the move", async t => {
  const paths = homePaths('/h/.devflow')
  t.equal(paths.currentSession, '/h/.devflow/sessions/current_session.json')
  t.equal(paths.resumeSchedule, '/h/.devflow/sessions/resume_schedule.json')
  t.same(paths.legacySummary, { currentSession: '/h/.devflow/current_session.json', resumeSchedule: '/h/.devflow/resume_schedule.json' })
  t.same(SUMMARY_FILE_NAMES, { currentSession: 'current_session.json', resumeSchedule: 'resume_schedule.json' })
})

t.test('a reader opens the new file, or the old one while there is no new one', async t => {
  const paths = homePaths(t.testdir())
  t.equal(summaryFileToRead(paths, 'resumeSchedule'), paths.legacySummary.resumeSchedule, 'neither exists: the old place (a missing file either way)')
  writeFileSync(paths.legacySummary.resumeSchedule, '{}')
  t.equal(summaryFileToRead(paths, 'resumeSchedule'), paths.legacySummary.resumeSchedule)
  mkdirSync(paths.sessionsDir)
  writeFileSync(paths.resumeSchedule, '{}')
  t.equal(summaryFileToRead(paths, 'resumeSchedule'), paths.resumeSchedule)
  t.equal(summaryFileToRead(paths, 'currentSession'), paths.legacySummary.currentSession, 'each file on its own')
})

t.test('no session id can name a summary file, in any case (case-insensitive file systems)', async t => {
  for (const id of ['current_session', 'resume_schedule', 'Current_Session', 'RESUME_SCHEDULE']) {
    t.notOk(isValidSessionId(id), id)
    t.match(describeBadSessionId(id), /is reserved: it is the name of a summary file/)
    t.throws(() => sessionFile(homePaths('/h'), id, 'state'), /refusing invalid session id/)
  }
  for (const id of ['current_session_2', 'my-resume_schedule', 'current-session']) t.ok(isValidSessionId(id), `${id} is fine`)
  t.equal(join('/h', 'sessions', 'current_session_2.json'), sessionFile(homePaths('/h'), 'current_session_2', 'state'))
})
