#!/bin/sh
# shim_poolfail: a mount whose pool cannot be opened (missing, not a pool,
# a directory, damaged, closed to the user, none named) fails every call
# under it with EIO, as the old shim did, and never reaches the kernel's
# directory behind the mount point; one message per process names the pool
# and why. The failure is remembered (one attempt for many calls) and the
# pool is tried again only once its file changed. The old shim's four
# "config" cases with a bad mount beside a good one.
. "$TEST_TOP/tests/preload/shim_lib.sh"
shim_init
PF=$TEST_BUILD/tests/preload/poolfail
BAD=$WORK/wrong
cd "$WORK" || shim_fail "cd $WORK"
mkdir -p "$BAD" some_dir
ln -s ../mnt some_dir/some_link
echo behind >"$BAD/behind"
echo "not a pool" >junk
mkdir adir
cp "$POOL" damaged
# the pool descriptor's checksum no longer matches
dd if=/dev/urandom of=damaged bs=4096 count=2 seek=1 conv=notrunc \
	2>/dev/null || shim_fail "cannot damage the copy of the pool"

# check_behind WHAT: nothing reached the kernel's directory behind $BAD
check_behind()
{
	left=$(ls -A "$BAD")
	[ "$left" = behind ] || shim_fail "$1: calls reached the kernel" \
		"directory behind the mount, which now holds: $left"
	[ "$(cat "$BAD/behind")" = behind ] ||
		shim_fail "$1: the kernel file behind the mount changed"
}

cat >"$WORK/expected" <<'END'
open(rel, O_CREAT | O_WRONLY, 0644) = -1 EIO
openat(dir, rel, O_CREAT | O_WRONLY, 0644) = -1 EIO
mkdirat(dir, rel, 0755) = -1 EIO
stat(root, &st) = -1 EIO
lstat(root, &st) = -1 EIO
stat(in("f"), &st) = -1 EIO
access(in(""), F_OK) = -1 EIO
open(in("f"), O_CREAT | O_WRONLY, 0644) = -1 EIO
open(in("f"), O_RDONLY) = -1 EIO
open(in(""), O_RDONLY | O_DIRECTORY) = -1 EIO
creat(in("f"), 0644) = -1 EIO
openat(AT_FDCWD, in("f"), O_CREAT | O_WRONLY, 0644) = -1 EIO
mkdir(in("d"), 0755) = -1 EIO
mkdir(in("d/e/f"), 0755) = -1 EIO
rmdir(in("d")) = -1 EIO
unlink(in("f")) = -1 EIO
rename(kfile, in("f")) = -1 EIO
rename(in("f"), "poolfail.out") = -1 EIO
link(kfile, in("f")) = -1 EIO
symlink(kfile, in("s")) = -1 EIO
readlink(in("s"), buf, sizeof(buf)) = -1 EIO
truncate(in("f"), 0) = -1 EIO
chmod(in(""), 0777) = -1 EIO
chown(in("f"), 0, 0) = -1 EIO
utimes(in("f"), NULL) = -1 EIO
mknod(in("p"), S_IFIFO | 0644, 0) = -1 EIO
statfs(in(""), &sfs) = -1 EIO
setxattr(in("f"), "user.a", "b", 1, 0) = -1 EIO
getxattr(in("f"), "user.a", buf, sizeof(buf)) = -1 EIO
opendir_result(in("")) = -1 EIO
chdir(in("")) = -1 EIO
chdir(in("d")) = -1 EIO
execl(in("f"), "f", (char *)NULL) = -1 EIO
unlink(kfile) = 0
END

# calls_fail WHAT POOL REASON [RUNNER...]
calls_fail()
{
	what=$1 pool=$2 reason=$3
	shift 3
	"$@" env LD_PRELOAD="$SHIM" PMEMFILE_POOLS="$BAD:$pool" \
		"$PF" calls "$BAD" >"$WORK/calls.out" 2>"$WORK/calls.err"
	if ! diff -u "$WORK/expected" "$WORK/calls.out"; then
		cat "$WORK/calls.err"
		shim_fail "$what: calls under the mount did not all give EIO"
	fi
	n=$(grep -c '^libpmemfile:' "$WORK/calls.err")
	[ "$n" = 1 ] || shim_fail "$what: $n messages, not one:" \
		"$(cat "$WORK/calls.err")"
	grep -q "^libpmemfile: cannot open the pool $pool ($reason.*): calls under its mount $BAD fail with EIO$" \
		"$WORK/calls.err" || shim_fail "$what: the message does not" \
		"name the pool, why ($reason) and EIO: $(cat "$WORK/calls.err")"
	check_behind "$what"
	echo "ok: $what: every call under the mount gives EIO, one message"
}

calls_fail "a missing pool file" "$WORK/missing" "No such file or directory"
calls_fail "a file that is not a pool" "$WORK/junk" "not a pmemfile pool"
calls_fail "a directory as the pool" "$WORK/adir" "Is a directory"
calls_fail "a damaged pool" "$WORK/damaged" "invalid checksum"

# closed to the user: root reads any file, so the pool is one nobody
# cannot open (the program and the shim must be reachable for nobody)
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	cp "$POOL" "$WORK/closed"
	chmod 600 "$WORK/closed"
	chmod 711 "$WORK"
	chmod 777 "$WORK" "$BAD"
	cp "$SHIM" "$WORK/shim.so"
	cp "$PF" "$WORK/poolfail"
	chmod 755 "$WORK/shim.so" "$WORK/poolfail"
	SHIM=$WORK/shim.so PF=$WORK/poolfail calls_fail \
		"a pool closed to the user" "$WORK/closed" "Permission denied" \
		setpriv --reuid=65534 --regid=65534 --clear-groups
	chmod 755 "$BAD"
elif [ "$(id -u)" != 0 ]; then
	cp "$POOL" "$WORK/closed"
	chmod 000 "$WORK/closed"
	calls_fail "a pool closed to the user" "$WORK/closed" \
		"Permission denied"
else
	echo "setpriv is not installed: a pool closed to a user is not tried"
fi

# PMEMFILE_POOLS names the mount but no pool: its paths are not the kernel's
LD_PRELOAD=$SHIM PMEMFILE_POOLS="$BAD:" "$PF" calls "$BAD" \
	>"$WORK/calls.out" 2>"$WORK/calls.err"
diff -u "$WORK/expected" "$WORK/calls.out" ||
	shim_fail "a mount with no pool: calls under it did not all give EIO"
grep -q "^libpmemfile: PMEMFILE_POOLS: the mount $BAD names no pool: calls under it fail with EIO$" \
	"$WORK/calls.err" || shim_fail "a mount with no pool: no message:" \
	"$(cat "$WORK/calls.err")"
check_behind "a mount with no pool"
echo "ok: a mount with no pool named: EIO under it, one message"

# the old shim's config cases: a good mount and a bad one side by side
config()
{
	LD_PRELOAD=$SHIM PMEMFILE_POOLS="$MNT:$POOL;$BAD:$WORK/invalid" \
		"$PF" open "$1" 2>/dev/null | sed 's/ = [0-9]*$/ = fd/'
}
cat >"$WORK/config.want" <<'END'
open(argv[2], O_CREAT | O_RDWR, 0666) = -1 ENOENT
open(argv[2], O_CREAT | O_RDWR, 0666) = fd
open(argv[2], O_CREAT | O_RDWR, 0666) = -1 EIO
open(argv[2], O_CREAT | O_RDWR, 0666) = -1 EIO
open(argv[2], O_CREAT | O_RDWR, 0666) = -1 EIO
open(argv[2], O_CREAT | O_RDWR, 0666) = fd
open(argv[2], O_CREAT | O_RDWR, 0666) = -1 EIO
END
{
	config "$WORK/mnt/a/b"
	config "$WORK/some_dir/some_link/a"
	config "$WORK/wrong/a"
	config "$WORK/wrong/a/b/c"
	config "$WORK/mnt/./../wrong/a"
	config "$WORK/mnt/../a"
	config "$WORK/wrong/../a"
} >"$WORK/config.out"
diff -u "$WORK/config.want" "$WORK/config.out" ||
	shim_fail "the config cases differ from the old shim's results"
[ -f "$WORK/a" ] || shim_fail "mnt/../a was not made in the kernel"
rm -f "$WORK/a"
[ "$(pf ls "$MNT")" = a ] || shim_fail "some_link/a did not reach the pool"
check_behind "the config cases"
echo "ok: the config cases: EIO under the bad mount, as the old shim"

# the cwd in the bad mount: as the kernel's (the shell went there), or
# PMEMFILE_CD; relative calls fail, none reaches the kernel directory
cat >"$WORK/cwd.want" <<'END'
getcwd(buf, sizeof(buf)) == NULL ? -1 : 0 = -1 EIO
stat(".", &st) = -1 EIO
open("f", O_CREAT | O_WRONLY, 0644) = -1 EIO
mkdir("d", 0755) = -1 EIO
opendir_result(".") = -1 EIO
access("f", F_OK) = -1 EIO
END
(cd "$BAD" && LD_PRELOAD=$SHIM PMEMFILE_POOLS="$BAD:$WORK/junk" "$PF" cwd) \
	>"$WORK/cwd.out" 2>/dev/null
diff -u "$WORK/cwd.want" "$WORK/cwd.out" ||
	shim_fail "a cwd in the bad mount reached the kernel's directory"
LD_PRELOAD=$SHIM PMEMFILE_POOLS="$BAD:$WORK/junk" PMEMFILE_CD="$BAD" \
	"$PF" cwd >"$WORK/cwd.out" 2>/dev/null
diff -u "$WORK/cwd.want" "$WORK/cwd.out" ||
	shim_fail "PMEMFILE_CD in the bad mount reached the kernel's directory"
check_behind "a cwd in the bad mount"
echo "ok: relative calls from a cwd in the bad mount give EIO"

# remembered: many calls, one attempt to open (logged), one message
rm -f "$WORK/log"
PMEMFILE_PRELOAD_LOG=$WORK/log LD_PRELOAD=$SHIM \
	PMEMFILE_POOLS="$BAD:$WORK/damaged" "$PF" repeat "$BAD" 2000 \
	>"$WORK/repeat.out" 2>"$WORK/repeat.err"
[ "$(cat "$WORK/repeat.out")" = "2000 of 2000 opens gave EIO" ] ||
	shim_fail "repeated opens: $(cat "$WORK/repeat.out")"
n=$(grep -c 'cannot open the pool' "$WORK/log")
[ "$n" = 1 ] || shim_fail "2000 calls made $n attempts to open the pool"
[ "$(grep -c '^libpmemfile:' "$WORK/repeat.err")" = 1 ] ||
	shim_fail "2000 calls gave more than one message"
echo "ok: the failure is remembered: one attempt and one message for 2000 calls"

# tried again once the file changed: the pool is made while the program runs
rm -f "$WORK/log" "$WORK/later"
PMEMFILE_PRELOAD_LOG=$WORK/log LD_PRELOAD=$SHIM \
	PMEMFILE_POOLS="$BAD:$WORK/later" "$PF" retry "$BAD" \
	"$TEST_BUILD/bin/mkfs.pmemfile $WORK/later 16M >/dev/null" \
	>"$WORK/retry.out" 2>"$WORK/retry.err"
cat >"$WORK/retry.want" <<'END'
open(in("f"), O_CREAT | O_RDWR, 0644) = -1 EIO
open(in("f"), O_CREAT | O_RDWR, 0644) = -1 EIO
system(cmd) = 0
open(in("f"), O_CREAT | O_RDWR, 0644) = 3
write(fd, "made\n", 5) = 5
close(fd) = 0
END
diff -u "$WORK/retry.want" "$WORK/retry.out" ||
	shim_fail "a pool made later was not used: $(cat "$WORK/retry.err")"
n=$(grep -c 'cannot open the pool' "$WORK/log")
[ "$n" = 1 ] || shim_fail "$n failed attempts, not one, before the pool was made"
out=$(LD_PRELOAD=$SHIM PMEMFILE_POOLS="$BAD:$WORK/later" cat "$BAD/f")
[ "$out" = made ] || shim_fail "the file is not in the pool made later: $out"
check_behind "a pool made later"
echo "ok: a pool made while the program runs is opened once its file changed"
shim_check_mountpoint
