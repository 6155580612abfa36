/* IMPORTANT
 * This snapshot file is auto-generated, but designed for humans.
 * It should be checked into source control and tracked carefully.
 * Re-generate by setting TAP_SNAPSHOT=1 and running tests.
 * Make sure to inspect the output below.  Do not ignore changes!
 */
'use strict'
exports[`test/cli/commands/schedules.test.ts > TAP > schedules: pending sessions (waiting or running), soonest first, unknown times last > schedules text 1`] = `
SESSION   STATE      RETRY AT (UTC)    IN          SOURCE  ATTEMPT  LIMIT      PROJECT
9e8d7c6b  due        2026-11-25 02:59  overdue 2m  reset   2        weekly     /srv/other-project
agent_ru  resuming   2026-11-25 03:01  running     reset   1        five_hour  /work/agent
3f2a1b4c  scheduled  2026-11-25 04:02  in 1h 1m    reset   1        five_hour  ~/code/app
7a7a7a7a  limited    —                 —           —       3        unknown    …project/that/does/not/fit/in/the/column

problem: sessions/bad0bad0-0000-4000-8000-000000000000.json is corrupt (state file is not valid JSON): it will be rebuilt from the journal
problem: sessions/bad1bad1-0000-4000-8000-000000000000.json is corrupt (unknown state schema 7): there is no journal to rebuild it from
note: session fe11fe11-0000-4000-8000-000000000000 has journal events the supervisor has not applied yet (no state file)

`
