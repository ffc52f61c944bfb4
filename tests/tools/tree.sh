#!/bin/sh
# pmemfile mv, ln, chmod and chown: each operation done by the kernel's
# command on a kernel tree and by pmemfile on the same tree in a pool, with
# the same status; then the two trees compared (types, modes, owners, link
# counts, link targets, bytes), the pool's copied out with pmemfile cp -a.
. "$TEST_TOP/tests/tools/lib.sh"
new_pool p.pool
umask 022

mkdir -p k/d/sub k/e k/full/x k/s
printf 'one\n' >k/f
printf 'two\n' >k/g
printf 'three\n' >k/d/h
printf 'four\n' >k/d/sub/i
printf 'x\n' >k/full/x/y
mkdir k/full/sub
printf 'z\n' >k/full/sub/z
ln -s ../f k/d/lf
"$PF" cp -a p.pool k :/k || failed=1

# both STATUS CMD [-OPTIONS] ARGS...: CMD on the kernel tree (each K/ in
# ARGS made k/) and as pmemfile CMD on the pool (K/ made /k/), the options
# before the pool; both must exit STATUS.
both() {
	want=$1
	shift
	cmd=$1
	shift
	kargs=""
	opts=""
	while [ $# -gt 0 ] && [ "${1#-}" != "$1" ]; do
		kargs="$kargs $1"
		opts="$opts $1"
		shift
	done
	pargs=""
	for a in "$@"; do
		kargs="$kargs '$(printf '%s' "$a" | sed 's|^K/|k/|')'"
		pargs="$pargs '$(printf '%s' "$a" | sed 's|^K/|/k/|')'"
	done
	eval "$cmd $kargs" 2>/dev/null
	expect "status of $cmd$kargs" "$?" "$want"
	eval "'$PF' $cmd $opts p.pool $pargs" 2>"$TMPDIR/.perr"
	expect "status of pmemfile $cmd$pargs ($(cat "$TMPDIR/.perr"))" "$?" \
		"$want"
}

dump() {
	(cd "$1" && find . -printf '%p %y %m %U %G %n %l\n' | sort &&
		find . -type f -exec md5sum {} + | sort)
}

compare() {
	rm -rf out
	"$PF" cp -a p.pool :/k out || failed=1
	expect "$1: the pool's tree against the kernel's" "$(dump out)" \
		"$(dump k)"
}

# mv: rename, into a directory, several into one, a file over a file, a
# directory into a directory; a directory over a non-empty one fails.
both 0 mv K/f K/f2
both 0 mv K/g K/e
both 0 mv K/f2 K/e/g
both 0 mv K/d/h K/d/sub/i K/e
both 0 mv K/d/sub K/s
both 1 mv K/s/sub K/full
both 1 mv K/missing K/e
compare mv

# ln: hard, symbolic, into a directory, -f replacing; an existing name
# fails, as does a hard link to a directory.
both 0 ln K/e/g K/hard
both 0 ln -s e/g K/soft
both 0 ln -s ../e/h K/s
both 0 ln -s other K/soft2
both 0 ln -sf e/i K/soft2
both 0 ln -f K/e/i K/hard
both 1 ln K/e/g K/soft
both 1 ln K/e K/dirlink
compare ln
expect_run 0 "$(readlink k/s/h)" "" "$PF" run p.pool readlink /mnt/pmemfile/k/s/h

# chmod: octal and symbolic modes, -R, a link operand followed; a
# directory keeps its set-group-ID bit under a four-digit octal mode.
both 0 chmod 640 K/e/g
both 0 chmod u+x,go-w K/e/h
both 0 chmod =r K/e/i
both 0 chmod +w K/e/i
both 0 chmod g+s,o+t K/full
both 0 chmod 0755 K/full
both 0 chmod -R a=rX,u+w K/s
both 0 chmod go= K/soft
both 1 chmod go= K/d/lf
both 0 chmod u=rwx,g=u-w,o=g K/full/x
both 0 chmod a-x,u+X K/full/x/y
both 1 chmod 600 K/missing
# -R through a link named as PATH: chmod follows it into the directory.
both 0 ln -s full K/dl
both 0 chmod -R o-rx K/dl
compare chmod
expect_run 2 "" "pmemfile chmod: invalid mode 'u+q'
usage: pmemfile chmod [-R] POOL MODE PATH...
Try 'pmemfile chmod --help' for more information." \
	"$PF" chmod p.pool u+q /k/e/g

if [ "$(id -u)" -eq 0 ]; then
	# chown: owner and group, the group only, -R, a link operand
	# followed, and the link itself with -P (the kernel's chown -h).
	both 0 chown 11:22 K/e/g
	both 0 chown :33 K/e/h
	both 0 chown 44 K/e/i
	both 0 chown -R 5:6 K/full
	both 0 chown 7:8 K/soft
	both 1 chown 7:8 K/d/lf
	chown -h 9:10 k/soft
	"$PF" chown -P p.pool 9:10 /k/soft || failed=1
	both 0 chown -R 12:13 K/s
	# -R never follows a link, even one named as PATH.
	both 0 chown -R 14:15 K/dl
	both 1 chown 1 K/missing
	compare chown
fi
finish
