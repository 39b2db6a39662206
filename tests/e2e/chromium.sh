#!/bin/sh
# Debian's Chromium as the browser tests start it (tests/e2e/server.ts, chromiumOptions). As root (CI),
# Chromium raises its compositor and I/O threads to nice -8, and they then take the CPU from everything
# else on the machine: beside the unit and integration tests, those ran up to twenty times slower.
# Without CAP_SYS_NICE it keeps the priority it was started with, as it does for any other user.
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	exec setpriv --inh-caps=-sys_nice --bounding-set=-sys_nice "${CHROMIUM_PATH:-/usr/bin/chromium}" "$@"
fi
exec "${CHROMIUM_PATH:-/usr/bin/chromium}" "$@"
