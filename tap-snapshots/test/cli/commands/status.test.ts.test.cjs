/* IMPORTANT
 * This snapshot file is auto-generated, but designed for humans.
 * It should be checked into source control and tracked carefully.
 * Re-generate by setting TAP_SNAPSHOT=1 and running tests.
 * Make sure to inspect the output below.  Do not ignore changes!
 */
'use strict'
exports[`test/cli/commands/status.test.ts > TAP > status: golden table, waiting sessions first, problems, supervisor line > status text 1`] = `
SESSION   STATE      PROJECT                                   LIMIT       RESET (UTC)       NEXT RETRY  ATTEMPTS  LAST RUN
9e8d7c6b  due        /srv/other-project                        weekly      2026-11-25 02:57  overdue 2m  1         —
3f2a1b4c  scheduled  ~/code/app                                five_hour   2026-11-25 04:01  in 1h 1m    0         —
7a7a7a7a  limited    …project/that/does/not/fit/in/the/column  unknown     —                 —           2         —
agent_ru  resuming   /work/agent                               five_hour   2026-11-25 03:00  —           1         —
11111111  active     ~                                         —           —                 —           0         completed 4t
c0ffee00  exhausted  ~/code/lib                                overloaded  —                 —           5         —

problem: sessions/bad0bad0-0000-4000-8000-000000000000.json is corrupt (state file is not valid JSON): it will be rebuilt from the journal
problem: sessions/bad1bad1-0000-4000-8000-000000000000.json is corrupt (unknown state schema 7): there is no journal to rebuild it from
note: session fe11fe11-0000-4000-8000-000000000000 has journal events the supervisor has not applied yet (no state file)
supervisor: not running — start it with: session-retry supervisor start

`
