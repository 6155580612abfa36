/* IMPORTANT
 * This snapshot file is auto-generated, but designed for humans.
 * It should be checked into source control and tracked carefully.
 * Re-generate by setting TAP_SNAPSHOT=1 and running tests.
 * Make sure to inspect the output below.  Do not ignore changes!
 */
'use strict'
exports[`test/cli/commands/sessions.test.ts > TAP > sessions: every session, newest first, all public fields > sessions text 1`] = `
3f2a1b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b  scheduled
  project          ~/code/app
  transcript       ~/.claude/projects/-home-user-code-app/3f2a1b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b.jsonl
  limit            five_hour, resets 2026-11-25 04:01 (banner)
  next retry       2026-11-25 04:02 (in 1h 1m, reset)
  attempts         0
  permission mode  —
  last run         —
  open             no
  last activity    2026-11-25 02:00
  updated          2026-11-25 03:01
  reasons          five_hour limit resets at 04:01:00Z (banner)
                   retry 90 s after the reset
  history          2026-11-25 03:01:15  active → limited (limit.detected)
                   2026-11-25 03:01:15  limited → scheduled (limit.detected)
                   2026-11-25 03:01:16  scheduled → scheduled (schedule.staggered)

agent_run-42  resuming
  project          /work/agent
  transcript       —
  limit            five_hour, resets 2026-11-25 03:00 (banner)
  next retry       2026-11-25 03:01 (reset)
  attempts         1
  permission mode  —
  last run         —
  open             no
  last activity    2026-11-25 02:00
  updated          2026-11-25 03:01

11111111-2222-4333-8444-555555555555  active
  project          ~
  transcript       —
  limit            —
  next retry       —
  attempts         0
  permission mode  acceptEdits
  last run         attempt 1, completed at 2026-11-25 02:51 (4 turns, $0.08, mode acceptEdits)
  open             yes
  last activity    2026-11-25 02:00
  updated          2026-11-25 03:00
  its answer       Done: the tests pass.
  its log          ~/.devflow/logs/resume/11111111-2222-4333-8444-555555555555.1.log

9e8d7c6b-5a49-4838-a726-150f1e2d3c4b  due
  project          /srv/other-project
  transcript       —
  limit            weekly, resets 2026-11-25 02:57 (transcript)
  next retry       2026-11-25 02:59 (overdue 2m, reset)
  attempts         1
  permission mode  —
  last run         —
  open             no
  last activity    2026-11-25 02:00
  updated          2026-11-25 02:59

7a7a7a7a-0000-4000-8000-000000000001  limited
  project          ~/a/very/long/path/to/a/project/that/does/not/fit/in/the/column
  transcript       —
  limit            unknown, reset time unknown (message)
  next retry       —
  attempts         2
  permission mode  —
  last run         —
  open             no
  last activity    2026-11-25 02:00
  updated          2026-11-25 01:00

c0ffee00-1234-4567-89ab-cdef01234567  exhausted
  project          ~/code/lib
  transcript       —
  limit            overloaded, reset time unknown (stopFailure)
  next retry       2026-11-24 23:00 (backoff)
  attempts         5
  permission mode  —
  last run         —
  open             no
  last activity    2026-11-25 02:00
  updated          2026-11-24 23:30

times are local (UTC)
problem: sessions/bad0bad0-0000-4000-8000-000000000000.json is corrupt (state file is not valid JSON): it will be rebuilt from the journal
problem: sessions/bad1bad1-0000-4000-8000-000000000000.json is corrupt (unknown state schema 7): there is no journal to rebuild it from
note: session fe11fe11-0000-4000-8000-000000000000 has journal events the supervisor has not applied yet (no state file)

`
