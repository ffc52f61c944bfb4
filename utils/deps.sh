#!/bin/sh
# deps.sh -- checks for what utils/deps.list names. When something is missing
# and this runs as root on Debian, installs exactly the missing packages with
# apt-get; otherwise stops with a message that names them.
set -u
list=$(dirname "$0")/deps.list
missing=

present() {
	case $1 in
	cmd) command -v "$2" >/dev/null 2>&1 ;;
	pc) command -v pkg-config >/dev/null 2>&1 &&
		pkg-config --exists "$2" ;;
	file) [ -e "$2" ] ;;
	esac
}

while read -r kind name package; do
	case $kind in '#'* | '') continue ;; esac
	present "$kind" "$name" && continue
	case " $missing " in
	*" $package "*) ;;
	*) missing="$missing $package" ;;
	esac
done <"$list"

[ -z "$missing" ] && exit 0

if [ "$(id -u)" -eq 0 ] && [ -f /etc/debian_version ] &&
	command -v apt-get >/dev/null 2>&1; then
	echo "deps: installing$missing"
	export DEBIAN_FRONTEND=noninteractive
	# shellcheck disable=SC2086
	if apt-get update -qq && apt-get install -y -qq --no-install-recommends \
		$missing >/dev/null; then
		exit 0
	fi
	echo "deps: apt-get could not install:$missing" >&2
	exit 1
fi
echo "deps: missing Debian packages:$missing" >&2
echo "deps: install them (apt-get install$missing) and run make again" >&2
exit 1
