#!/bin/sh
# shim_setuid: a program that drops root (setgroups, setgid, setuid) is
# held to its new ids by the pool as by the kernel: reading, writing,
# searching, creating, removing, chmod and chown.
. "$TEST_TOP/tests/preload/shim_lib.sh"
if [ "$(id -u)" != 0 ]; then
	echo "skip: needs root to change ids"
	exit 77
fi
# the kernel checks the directories above ROOT too: let nobody through
chmod 755 "$WORK"
shim_compare setuid
