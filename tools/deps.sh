#!/bin/sh
# SPDX-License-Identifier: ISC
# deps.sh - check the Debian packages natter builds and tests with; with --install, install the
# missing ones with apt-get when run as root, otherwise print the exact command.
#
# usage: tools/deps.sh [--install] GROUP...
#   build  what 'make' needs: pkg-config, ncursesw and readline headers
#   unit   what the unit tests add: cmocka
# Without --install it never changes the system: a plain 'make' (and a
# package build) only checks; 'make test' and 'make run' pass --install.
set -u

install=no
if [ "${1:-}" = --install ]; then
	install=yes
	shift
fi
[ "$#" -gt 0 ] || set -- build

# pkg-config name : Debian package, per group
need=""
for group in "$@"; do
	case $group in
	build) need="$need ncursesw:libncurses-dev readline:libreadline-dev" ;;
	unit) need="$need cmocka:libcmocka-dev" ;;
	*)
		echo "deps.sh: unknown group '$group' (build or unit)" >&2
		exit 2
		;;
	esac
done

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

if [ "$install" = yes ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
	echo "deps: installing missing packages:$missing"
	export DEBIAN_FRONTEND=noninteractive
	# shellcheck disable=SC2086 # one word per package
	apt-get install -y --no-install-recommends $missing </dev/null ||
		{ apt-get update </dev/null && apt-get install -y --no-install-recommends $missing </dev/null; } || {
		echo "deps: apt-get could not install:$missing" >&2
		exit 1
	}
	exit 0
fi
echo "natter needs these Debian packages:$missing" >&2
echo "install them with: sudo apt-get install$missing" >&2
[ "$install" = yes ] || echo "(or run 'make test' or 'make run' as root, which install them)" >&2
exit 1
