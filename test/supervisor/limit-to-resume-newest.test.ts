// The main end-to-end test again, against the newest Claude Code the registry served when the
// `claude-code-newest` alias was last bumped (package.json), so a new CLI that changes what the
// product builds on fails here before users see it.
import t from 'tap'
import { claudeCommand, claudePackageVersion } from '../helpers/claude-cli.js'

process.env.SESSION_RETRY_TEST_CLAUDE = 'newest'
t.comment(`Claude Code ${claudePackageVersion('newest')} at ${claudeCommand('newest').file}`)
t.not(claudePackageVersion('newest'), claudePackageVersion('2.1.77'), 'the newest CLI is not the old one')
await import('./limit-to-resume.test.js')
