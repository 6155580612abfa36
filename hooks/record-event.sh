#!/bin/sh
# smart-session-retry hook, stage 1 of 2: make Claude Code's event durable before anything can go wrong.
#
# In `claude -p` the CLI does not wait for StopFailure hooks and kills a slow one (facts, section 8):
# a Node start-up (40-140 ms) loses the event every time, a POSIX shell and one `cat` do not.
# So this stage only writes the raw stdin to <home>/sessions/spool/<id>.event, and leaves the
# validation, enrichment and the append to the journal to stage 2 (Node), started in the background
# with its own session so that Claude Code neither waits for it nor kills it. If stage 2 never runs
# (no `node` on PATH, killed), the supervisor promotes what is left in the spool.
#
# Whatever happens this script exits 0 and prints nothing on stdout (Claude Code reads stdout).

case ${SESSION_RETRY_ENABLED:-true} in
  [Ff][Aa][Ll][Ss][Ee] | 0 | [Nn][Oo] | [Oo][Ff][Ff]) exit 0 ;;
esac

if [ -n "${SESSION_RETRY_HOME:-}" ]; then
  home=$SESSION_RETRY_HOME
elif [ -n "${HOME:-}" ]; then
  home=$HOME/.devflow
else
  echo "session-retry: neither SESSION_RETRY_HOME nor HOME is set; event not recorded" >&2
  exit 0
fi
case $home in /*) ;; *) home=$PWD/$home ;; esac
spool=$home/sessions/spool
umask 077

if [ ! -d "$spool" ] || [ ! -d "$home/logs" ]; then
  if ! mkdir -p "$spool" "$home/logs" 2>/dev/null; then
    echo "session-retry: cannot create $spool; event not recorded" >&2
    exit 0
  fi
fi

# A random id without forking: the kernel's uuid on Linux, time and pid elsewhere.
id=
read -r id </proc/sys/kernel/random/uuid 2>/dev/null || id=$(date +%s)-$$
file=$spool/$id.event

# The Claude Code process is our parent, or its parent when a `sh -c` wrapper sits between us.
# Read it now, with builtins only: by the time stage 2 runs, a wrapper may have exited.
claude_pid=$PPID
if read -r stat </proc/$PPID/stat 2>/dev/null; then
  comm=${stat#*(}
  comm=${comm%%)*}
  case $comm in
    sh | dash | bash | zsh | ash | ksh | mksh | busybox)
      # shellcheck disable=SC2086 # splitting the fields is the point
      set -- ${stat##*) }
      claude_pid=$2
      ;;
  esac
fi

# Header line: what only this process can know, then the payload as Claude Code sent it.
if ! { printf 'ssr1 %s %s %s\n' "$PPID" "$claude_pid" "${TMUX_PANE:-}" && cat; } >"$file" 2>/dev/null; then
  rm -f "$file" 2>/dev/null
  echo "session-retry: cannot write $file (disk full or read-only?); event not recorded" >&2
  exit 0
fi

case $0 in */*) here=${0%/*} ;; *) here=. ;; esac
stage2=$here/../dist/hooks/journal-event.cjs
if command -v setsid >/dev/null 2>&1; then
  setsid node "$stage2" --home "$home" --complete "$id" </dev/null >/dev/null 2>>"$home/logs/hook.log" &
else
  node "$stage2" --home "$home" --complete "$id" </dev/null >/dev/null 2>>"$home/logs/hook.log" &
fi
exit 0
