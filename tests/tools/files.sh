#!/bin/sh
# put, get, cat, ls, stat, mkdir and rm on a pool: byte-exact copies both
# ways, exact listings, and for each error the message and status that the
# kernel's own tool gives for the same operation on a kernel directory.
. "$TEST_TOP/tests/tools/lib.sh"
new_pool p.pool
uid=$(id -u)
gid=$(id -g)
umask 022

# ref TOOL: the message coreutils' TOOL printed (in $err), as pmemfile TOOL
# would say it: "rm: x" -> "pmemfile rm: x".
as_pmemfile() {
	printf '%s\n' "$err" | sed "s|^$1: |pmemfile $1: |"
}

# Round trips, byte-exact: odd sizes, an empty file, standard in and out.
head -c 3145733 /dev/urandom >big
head -c 4095 /dev/urandom >odd
: >empty
chmod 640 odd
for f in big odd empty; do
	expect_run 0 "" "" "$PF" put p.pool $f /$f
	expect_run 0 "" "" "$PF" get p.pool /$f $f.back
	cmp $f $f.back || { echo "FAIL: $f changed in a put/get round trip"; failed=1; }
done
expect "mode given by put" "$(stat -c %a odd.back)" 640
"$PF" cat p.pool /odd >odd.cat
cmp odd odd.cat || { echo "FAIL: cat /odd"; failed=1; }
"$PF" put p.pool - /stdin <big || failed=1
"$PF" get p.pool /stdin - >stdin.back
cmp big stdin.back || { echo "FAIL: put - / get -"; failed=1; }
"$PF" cat p.pool /odd /empty /odd >two.cat
cat odd odd >two.ref
cmp two.ref two.cat || { echo "FAIL: cat of several files"; failed=1; }
# get into a local directory: the file keeps its name.
mkdir got
expect_run 0 "" "" "$PF" get p.pool /odd got
cmp odd got/odd || { echo "FAIL: get into a directory"; failed=1; }
# put over an existing file truncates it.
printf 'short' >short
expect_run 0 "" "" "$PF" put p.pool short /big
expect_run 0 "short" "" "$PF" cat p.pool /big

# Directories, and put into one.
expect_run 0 "" "" "$PF" mkdir p.pool /d
expect_run 0 "" "" "$PF" put p.pool odd /d
expect_run 0 "" "" "$PF" put p.pool odd /d/
expect_run 0 "" "" "$PF" mkdir -p p.pool /a/b/c /a/b
expect_run 0 "" "" "$PF" mkdir -m 700 p.pool /private
expect_run 0 "a
big
d
empty
odd
private
stdin" "" "$PF" ls p.pool
expect_run 0 "$(printf '.\n..\na\nbig\nd\nempty\nodd\nprivate\nstdin')" "" \
	"$PF" ls -a p.pool /
expect_run 0 "odd" "" "$PF" ls p.pool /d
expect_run 0 "/d/odd" "" "$PF" ls p.pool /d/odd
expect_run 0 "b" "" "$PF" ls p.pool /a

# ls -l: every column but the time, which is checked for its form; the
# columns are aligned.
run "$PF" ls -l p.pool /
expect "status of ls -l" "$rc" 0
dsize=$("$PF" stat p.pool /d | sed -n 's/^size: *//p')
asize=$("$PF" stat p.pool /a | sed -n 's/^size: *//p')
psize=$("$PF" stat p.pool /private | sed -n 's/^size: *//p')
timed=$(printf '%s\n' "$out" |
	sed 's/ [0-9]\{4\}-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9] / TIME /')
expect "ls -l" "$(printf '%s\n' "$timed" | tr -s ' ')" \
	"drwxr-xr-x 3 $uid $gid $asize TIME a
-rw-r--r-- 1 $uid $gid 5 TIME big
drwxr-xr-x 2 $uid $gid $dsize TIME d
-rw-r--r-- 1 $uid $gid 0 TIME empty
-rw-r----- 1 $uid $gid 4095 TIME odd
drwx------ 2 $uid $gid $psize TIME private
-rw-r--r-- 1 $uid $gid 3145733 TIME stdin"
expect "ls -l columns aligned" \
	"$(printf '%s\n' "$timed" | awk '{ print index($0, "TIME") }' | sort -u)" \
	"$(printf '%s\n' "$timed" | head -n 1 | awk '{ print index($0, "TIME") }')"

# stat: every field but the block count, the inode number and the times.
run "$PF" stat p.pool /odd /d
expect "status of stat" "$rc" 0
expect "stat" "$(printf '%s\n' "$out" | grep -v -e '^blocks:' -e '^inode:' \
	-e '^access:' -e '^modify:' -e '^change:')" \
	"path:   /odd
type:   regular file
mode:   0640 (-rw-r-----)
size:   4095
links:  1
uid:    $uid
gid:    $gid

path:   /d
type:   directory
mode:   0755 (drwxr-xr-x)
size:   $dsize
links:  2
uid:    $uid
gid:    $gid"
expect "stat times" "$(printf '%s\n' "$out" | grep -c \
	'^\(access\|modify\|change\): [0-9-]* [0-9:]*\.[0-9]\{9\} [-+][0-9]\{4\}$')" 6

# Errors, each against the kernel's tool on a kernel directory.
mkdir k k/d
touch k/f
run cat k/nope
expect_run 1 "" "$(as_pmemfile cat | sed 's|k/nope|/nope|')" "$PF" cat p.pool /nope
run cat k/d
expect_run 1 "" "$(as_pmemfile cat | sed 's|k/d|/d|')" "$PF" cat p.pool /d
run rm k/d
expect_run 1 "" "$(as_pmemfile rm | sed 's|k/d|/d|')" "$PF" rm p.pool /d
run rm k/nope
expect_run 1 "" "$(as_pmemfile rm | sed 's|k/nope|/nope|')" "$PF" rm p.pool /nope
run mkdir k/d
expect_run 1 "" "$(as_pmemfile mkdir | sed 's|k/d|/d|')" "$PF" mkdir p.pool /d
run mkdir k/x/y
expect_run 1 "" "$(as_pmemfile mkdir | sed 's|k/x/y|/x/y|')" "$PF" mkdir p.pool /x/y
run mkdir k/f/y
expect_run 1 "" "$(as_pmemfile mkdir | sed 's|k/f/y|/odd/y|')" "$PF" mkdir p.pool /odd/y
run ls k/nope
expect_run 1 "" "$(as_pmemfile ls | sed 's|k/nope|/nope|')" "$PF" ls p.pool /nope
expect_run 1 "" "pmemfile stat: cannot stat '/nope': No such file or directory" \
	"$PF" stat p.pool /nope
expect_run 1 "" "pmemfile get: /nope: No such file or directory" \
	"$PF" get p.pool /nope x
expect_run 1 "" "pmemfile get: nodir/x: No such file or directory" \
	"$PF" get p.pool /odd nodir/x
expect_run 1 "" "pmemfile put: nolocal: No such file or directory" \
	"$PF" put p.pool nolocal /x
expect_run 1 "" "pmemfile put: /nodir/x: No such file or directory" \
	"$PF" put p.pool odd /nodir/x
# A directory is refused before anything is made (put left an empty /x).
expect_run 1 "" "pmemfile put: k: Is a directory" "$PF" put p.pool k /x
expect_run 1 "" "pmemfile stat: cannot stat '/x': No such file or directory" \
	"$PF" stat p.pool /x
expect_run 1 "" "pmemfile put: k: Is a directory" "$PF" put p.pool k /d
expect_run 0 "odd" "" "$PF" ls p.pool /d
expect_run 1 "" "pmemfile get: /d: Is a directory" "$PF" get p.pool /d x
[ -e x ] && { echo "FAIL: get of a directory left x"; failed=1; }
# No temporary file is left beside a copy.
expect_run 0 "$(printf '.\n..\nodd')" "" "$PF" ls -a p.pool /d
# One bad operand does not stop the others.
expect_run 1 "$(cat odd)" "pmemfile cat: /nope: No such file or directory" \
	"$PF" cat p.pool /nope /odd

# A full pool: ENOSPC, named, and a pool still consistent afterwards.
new_pool full.pool
head -c 20971520 /dev/urandom >twenty
expect_run 1 "" "pmemfile put: /twenty: No space left on device" \
	"$PF" put full.pool twenty /twenty
expect "check after ENOSPC" "$("$PF" check full.pool | tail -n 1)" \
	"full.pool: consistent"
# The failed copy left nothing (it left an empty /twenty).
expect_run 0 "$(printf '.\n..')" "" "$PF" ls -a full.pool /
expect_run 1 "" "pmemfile rm: cannot remove '/twenty': No such file or directory" \
	"$PF" rm full.pool /twenty
# A file put over an existing one stays as it was when the copy fails.
expect_run 0 "" "" "$PF" put full.pool odd /kept
expect_run 1 "" "pmemfile put: /kept: No space left on device" \
	"$PF" put full.pool twenty /kept
"$PF" get full.pool /kept kept.back && cmp odd kept.back ||
	{ echo "FAIL: a failed put changed the file it would replace"; failed=1; }
expect_run 0 "" "" "$PF" rm full.pool /kept
expect_run 0 "$(printf '.\n..')" "" "$PF" ls -a full.pool /
expect_run 0 "" "" "$PF" put full.pool odd /odd

# rm: files, -f, -r.
expect_run 0 "" "" "$PF" rm p.pool /empty
expect_run 0 "" "" "$PF" rm -f p.pool /nope /stdin
expect_run 0 "" "" "$PF" rm -r p.pool /a /d
expect_run 0 "big
odd
private" "" "$PF" ls p.pool
expect_run 0 "" "" "$PF" mkdir -p p.pool /t/u/v
for i in 1 2 3 4 5 6 7 8 9 10; do
	"$PF" put p.pool odd /t/u/f$i || failed=1
done
expect_run 0 "" "" "$PF" rm -r p.pool /t
expect_run 1 "" "pmemfile ls: cannot access '/t': No such file or directory" \
	"$PF" ls p.pool /t
# rm -r / empties the pool and keeps its root.
expect_run 0 "" "" "$PF" rm -r p.pool /
expect_run 0 ".
.." "" "$PF" ls -a p.pool /
finish
