// `session-retry resume <session-id>`: ask the supervisor to resume a waiting session now, as one
// ResumeRequested record in the session's journal. What every control request shares (prefixes,
// unknown and hostile ids, notes) is tested in test/cli/request-control.test.ts.
import t from 'tap'
import { resumeCommand } from '../../../src/cli/commands/resume.js'
import { checkOneRecord } from './control-command-check.js'

t.test('resume appends one ResumeRequested record for the session, exit 0', t => checkOneRecord(t, resumeCommand, 'ResumeRequested', 'resume'))
