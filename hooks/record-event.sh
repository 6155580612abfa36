# smart-session-retry hook, stage 1 of 2: make Claude Code's event durable before anything can go wrong.
# POSIX sh. Claude Code runs it sourced from the hook command (see hooks.json), so that no second
# shell has to start:  trap '' TERM HUP INT; ssr_root="<plugin root>"; . "$ssr_root/hooks/record-event.sh"
# It also works as `sh record-event.sh` (tests do that).
#
# Why a shell script: in `claude -p` Claude Code does not wait for StopFailure hooks and sends
# SIGTERM to the hook's process group a few milliseconds after starting it (measured with 2.1.331;
# docs/claude-code.md#hook-timing). A Node start-up (40-140 ms) loses the event every time. So this stage
# does the least that makes the event durable: the raw stdin goes to
# <home>/sessions/spool/<id>.event (see ssr_copy_stdin), and validation, enrichment and the append to the
# journal are left to a running supervisor, which watches the spool, or else to stage 2 (Node),
# started detached so that Claude Code neither waits for it nor kills it (NODE_OPTIONS is cleared
# for it: preloads have no business in a hook). If stage 2 never runs (no `node` on PATH, killed),
# the next supervisor promotes the spool.
# SIGTERM is ignored for these few milliseconds (inherited by `cat` where it copies): that is what keeps a record
# from being cut in half. Node resets SIGTERM at start-up, so stage 2 is protected by setsid instead.
#
# Whatever happens it exits 0 and prints nothing on stdout (Claude Code reads stdout).

trap '' TERM HUP INT

case ${SESSION_RETRY_ENABLED:-true} in
  [Ff][Aa][Ll][Ss][Ee] | 0 | [Nn][Oo] | [Oo][Ff][Ff]) exit 0 ;;
esac

if [ -n "${SESSION_RETRY_HOME:-}" ]; then
  ssr_home=$SESSION_RETRY_HOME
elif [ -n "${HOME:-}" ]; then
  ssr_home=$HOME/.devflow
else
  echo "session-retry: neither SESSION_RETRY_HOME nor HOME is set; event not recorded" >&2
  exit 0
fi
case $ssr_home in /*) ;; *) ssr_home=$PWD/$ssr_home ;; esac
ssr_spool=$ssr_home/sessions/spool
umask 077

# Never write through a link or into someone else's folder: whoever planted it would choose where
# this writes. Builtins only (a few stat calls): the home must be ours (it may be a link the user
# made), the folders and the log below it must be ours and not links. Stage 2 and the supervisor
# also refuse folders others can write to, which sh cannot see without starting a process.
ssr_unsafe=
if [ -e "$ssr_home" ] && [ ! -O "$ssr_home" ]; then
  ssr_unsafe="$ssr_home belongs to another user"
else
  for ssr_path in "$ssr_home/sessions" "$ssr_spool" "$ssr_home/logs" "$ssr_home/logs/hook.log"; do
    if [ -L "$ssr_path" ]; then
      ssr_unsafe="$ssr_path is a symbolic link"
      break
    elif [ -e "$ssr_path" ] && [ ! -O "$ssr_path" ]; then
      ssr_unsafe="$ssr_path belongs to another user"
      break
    fi
  done
fi
if [ -n "$ssr_unsafe" ]; then
  echo "session-retry: refusing to write under $ssr_home: $ssr_unsafe (fix it, or set SESSION_RETRY_HOME); event not recorded" >&2
  exit 0
fi
# No-clobber: the spool file is created new (O_EXCL), never opened through whatever has its name.
set -C

# A random id without forking: the kernel's uuid on Linux, time and pid elsewhere.
ssr_id=
# (stderr first: a redirection that fails reports on the stderr in force when it is opened)
read -r ssr_id 2>/dev/null </proc/sys/kernel/random/uuid || ssr_id=$(date +%s)-$$
ssr_file=$ssr_spool/$ssr_id.event

# The Claude Code process is our parent, or its parent when a `sh -c` wrapper sits between us.
# Read it now, with builtins only: by the time stage 2 runs, a wrapper may have exited.
# The short comm file first: `read` takes one system call per byte, and the stat line (~300 bytes)
# is only needed when the parent is a shell.
ssr_claude=$PPID
if IFS= read -r ssr_comm 2>/dev/null </proc/$PPID/comm; then
  case $ssr_comm in
    sh | dash | bash | zsh | ash | ksh | mksh | busybox)
      if read -r ssr_stat 2>/dev/null </proc/$PPID/stat; then
        # shellcheck disable=SC2086 # splitting the fields is the point
        set -- ${ssr_stat##*) }
        ssr_claude=$2
      fi
      ;;
  esac
fi

# The payload, byte for byte. `cat` costs a fork and an exec (about 3 ms a hook on a small
# machine, most of what this stage costs beyond the shell itself); the shell's own `read` starts
# nothing but reads a pipe one byte per system call (about 2 µs a byte), so it is cheaper only
# below about 2 KB. The hook command sets ssr_copy=builtin for the events whose payload has no
# field that grows with the conversation (SessionStart, SessionEnd, Notification, StopFailure:
# 300-500 bytes); prompts and answers (UserPromptSubmit, Stop) go through `cat`. The loop is exact
# for any input without NUL bytes (JSON has none): `IFS=` keeps blanks, `-r` backslashes, every
# line read whole gets its newline back and the last, unterminated one is printed as it came.
# LC_ALL=C spares `cat` loading locale files it has no use for.
ssr_copy_stdin() {
  if [ "${ssr_copy:-}" = builtin ]; then
    while IFS= read -r ssr_line; do printf '%s\n' "$ssr_line"; done
    printf '%s' "$ssr_line"
  else
    LC_ALL=C cat
  fi
}

# Header line (what only this process knows: its parent, the Claude Code pid, the tmux pane, and the
# attempt number when the supervisor's own resumed run fired the hook), then the payload exactly as
# Claude Code sent it.
# The first attempt assumes the folders exist: on every event but the first, nothing runs before the copy.
# `if { …; } >file; then :; else`, never `if ! { …; } >file`: bash (macOS's /bin/sh) does not
# negate the failure of the redirection itself, so the first event in a new home would be dropped.
if { printf 'ssr1 %s %s %s %s\n' "$PPID" "$ssr_claude" "${TMUX_PANE:-}" "${SESSION_RETRY_RUN:-}" && ssr_copy_stdin; } 2>/dev/null >"$ssr_file"; then
  :
else
  if [ -s "$ssr_file" ] || ! mkdir -p "$ssr_spool" "$ssr_home/logs" 2>/dev/null; then
    rm -f "$ssr_file" 2>/dev/null
    if [ -d "$ssr_spool" ]; then
      echo "session-retry: cannot write $ssr_file (disk full or read-only?); event not recorded" >&2
    else
      echo "session-retry: cannot create $ssr_spool; event not recorded" >&2
    fi
    exit 0
  fi
  if { printf 'ssr1 %s %s %s %s\n' "$PPID" "$ssr_claude" "${TMUX_PANE:-}" "${SESSION_RETRY_RUN:-}" && ssr_copy_stdin; } 2>/dev/null >"$ssr_file"; then
    :
  else
    rm -f "$ssr_file" 2>/dev/null
    echo "session-retry: cannot write $ssr_file (disk full or read-only?); event not recorded" >&2
    exit 0
  fi
fi

# A running supervisor watches the spool and promotes the file itself: no Node start here, which
# is most of what a hook costs a turn. Stage 2 runs only when none is alive (it then also starts
# one on SessionStart). Alive means what stage 2 and the CLI mean (src/os/process-identity.ts): the
# pid file's "<pid> <start time>" names a process that exists, is no zombie and started at that
# time (field 22 of /proc/<pid>/stat); without /proc, the pid alone. A wrong guess only leaves the
# event in the spool, durable, for the next supervisor or stage 2.
if read -r ssr_pid ssr_started 2>/dev/null <"$ssr_home/supervisor.pid"; then
  case $ssr_pid in
    '' | *[!0-9]*) ;;
    *)
      if kill -0 "$ssr_pid" 2>/dev/null; then
        if read -r ssr_stat 2>/dev/null <"/proc/$ssr_pid/stat"; then
          # shellcheck disable=SC2086 # splitting the fields is the point
          set -- ${ssr_stat##*) }
          case $ssr_started in '' | *[!0-9]*) ssr_started=${20} ;; esac
          if [ "$1" != Z ] && [ "$1" != X ] && [ "${20}" = "$ssr_started" ]; then exit 0; fi
        elif [ ! -e /proc/self/stat ]; then
          exit 0
        fi
      fi
      ;;
  esac
fi

if [ -z "${ssr_root:-}" ]; then
  case $0 in */*) ssr_root=${0%/*}/.. ;; *) ssr_root=.. ;; esac
fi
ssr_stage2=$ssr_root/dist/hooks/journal-event.cjs
if command -v setsid >/dev/null 2>&1; then
  NODE_OPTIONS= setsid node "$ssr_stage2" --home "$ssr_home" --complete "$ssr_id" </dev/null >/dev/null 2>>"$ssr_home/logs/hook.log" &
elif command -v perl >/dev/null 2>&1; then
  # No setsid (macOS): perl, always there, puts stage 2 in a process group of its own first.
  NODE_OPTIONS= perl -e 'setpgrp(0, 0); exec { $ARGV[0] } @ARGV or exit 0' node "$ssr_stage2" --home "$ssr_home" --complete "$ssr_id" </dev/null >/dev/null 2>>"$ssr_home/logs/hook.log" &
else
  NODE_OPTIONS= node "$ssr_stage2" --home "$ssr_home" --complete "$ssr_id" </dev/null >/dev/null 2>>"$ssr_home/logs/hook.log" &
fi
exit 0
