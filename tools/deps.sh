#!/bin/sh
# deps.sh - check the Debian packages natter builds and tests with; install
# them with apt-get when run as root, otherwise print the exact command.
set -u

# pkg-config name : Debian package
need="ncursesw:libncurses-dev readline:libreadline-dev cmocka:libcmocka-dev"
missing=""
command -v pkg-config >/dev/null 2>&1 || missing="pkg-config"
for pair in $need; do
	pc=${pair%%:*}
	deb=${pair#*:}
	if ! command -v pkg-config >/dev/null 2>&1 || ! pkg-config --exists "$pc"; then
		missing="$missing $deb"
	fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
	echo "deps: installing missing packages:$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get install -y --no-install-recommends $missing ||
		{ apt-get update && apt-get install -y --no-install-recommends $missing; } || {
		echo "deps: apt-get could not install:$missing" >&2
		exit 1
	}
	exit 0
fi
echo "natter needs these Debian packages:$missing" >&2
echo "install them with: sudo apt-get install$missing" >&2
exit 1
