#!/bin/sh
# Programs run as an unprivileged user (setpriv to nobody) on a tree made by
# root: permission bits, a private directory, a read-only file, the sticky
# bit, new files' owners and the umask give the same errors and results as
# on a kernel directory.
. "$TEST_TOP/tests/preload/prog_lib.sh"

prog_init_users

as_nobody()
{
	$R setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
}

workload()
{
	$R mkdir -p "$D/pub" "$D/priv" "$D/sticky" "$D/grp"
	$R chmod 777 "$D/pub" "$D"
	$R chmod 700 "$D/priv"
	$R chmod 1777 "$D/sticky"
	$R cp /etc/hostname "$D/priv/secret"
	$R cp /etc/hostname "$D/sticky/rootfile"
	$R cp /etc/hostname "$D/pub/ro"
	$R chmod 666 "$D/sticky/rootfile"
	$R chmod 444 "$D/pub/ro"
	$R chown 0:65534 "$D/grp"
	$R chmod 770 "$D/grp"
	x as_nobody id -u
	x as_nobody cat "$D/priv/secret"
	x as_nobody ls "$D/priv"
	x as_nobody stat -c '%n %a' "$D/priv/secret"
	x as_nobody touch "$D/pub/mine"
	x as_nobody stat -c '%n %u %g %a' "$D/pub/mine"
	x as_nobody dd if=/dev/zero of="$D/pub/ro" count=1 status=none
	x as_nobody chmod 666 "$D/pub/ro"
	x as_nobody rm "$D/sticky/rootfile"
	x as_nobody mv "$D/sticky/rootfile" "$D/pub/"
	x as_nobody dd if=/dev/zero of="$D/sticky/rootfile" count=1 \
		status=none
	x as_nobody touch "$D/sticky/nobodys"
	x as_nobody rm "$D/sticky/nobodys"
	x as_nobody touch "$D/grp/in-group"
	x as_nobody mkdir "$D/pub/dir"
	x as_nobody chown 0 "$D/pub/mine"
	x as_nobody sh -c "umask 077 && touch '$D/pub/private' &&
		mkdir '$D/pub/privdir' && stat -c '%n %a' '$D/pub/private' \
		'$D/pub/privdir'"
	x as_nobody sh -c "test -w '$D/pub/ro' || echo not writable"
	x as_nobody sh -c "test -r '$D/priv/secret' || echo not readable"
	# find lists in directory order, which is the file system's own.
	x as_nobody find "$D" -user 65534 | sort
}

prog_both users workload
