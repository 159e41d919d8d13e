#!/usr/bin/env bash
# Runs a command inside a throwaway desktop session: Xvfb, a session D-Bus and the dunst
# notification daemon, so real OS notifications (notify-send over D-Bus) can be shown and read
# back with `dunstctl history`. Everything started here is stopped when the command ends.
set -euo pipefail
for tool in Xvfb dbus-daemon dunst notify-send dunstctl; do
  command -v "$tool" >/dev/null || { echo "with-desktop: $tool is missing (see .ci/run for the apt packages)" >&2; exit 1; }
done
runtime=$(mktemp -d /tmp/desktop-session.XXXXXX)
display_number=$(( 90 + RANDOM % 400 ))
Xvfb ":$display_number" -screen 0 1280x800x24 -nolisten tcp >"$runtime/xvfb.log" 2>&1 &
xvfb_pid=$!
export DISPLAY=":$display_number"
eval "$(dbus-launch --sh-syntax)"
export XDG_RUNTIME_DIR="$runtime"
cat >"$runtime/dunstrc" <<'CONF'
[global]
    history_length = 5000
    sticky_history = yes
[urgency_low]
    timeout = 2
[urgency_normal]
    timeout = 2
[urgency_critical]
    timeout = 2
CONF
dunst -config "$runtime/dunstrc" >"$runtime/dunst.log" 2>&1 &
dunst_pid=$!
cleanup() {
  kill "$dunst_pid" "$xvfb_pid" 2>/dev/null || true
  kill "$DBUS_SESSION_BUS_PID" 2>/dev/null || true
  rm -rf "$runtime"
}
trap cleanup EXIT
# Wait until dunst owns the notification bus name, rather than sleeping a fixed time.
for _ in $(seq 1 100); do
  dunstctl is-paused >/dev/null 2>&1 && break
  sleep 0.1
done
export RINGSIDE_DESKTOP_SESSION=1
"$@"
