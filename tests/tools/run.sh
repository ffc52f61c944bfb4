#!/bin/sh
# pmemfile run: the environment it gives the program, the program's exit
# status, and a program's files landing in the pool (read back with the
# C API tools). Also its errors, which need no shim.
. "$TEST_TOP/tests/tools/lib.sh"
new_pool p.pool
pool=$(pwd)/p.pool

# Errors found before any program runs.
expect_run 125 "" "pmemfile run: nope.pool: No such file or directory" \
	"$PF" run nope.pool -- true
echo text >text.pool
expect_run 125 "" "pmemfile run: text.pool: not a pmemfile pool (no libpmemobj header)" \
	"$PF" run text.pool -- true
run "$PF" run -m relative p.pool -- true
expect "status with a relative mount" "$rc" 2
expect "relative mount" "$(printf '%s\n' "$err" | head -n 1)" \
	"pmemfile run: the mount point 'relative' is not an absolute path"
expect_run 125 "" "pmemfile run: mount point '/mnt/a:b' contains ':' or ';', which PMEMFILE_POOLS cannot express" \
	"$PF" run -m /mnt/a:b p.pool -- true
run "$PF" run p.pool
expect "status with no command" "$rc" 2
expect "no command" "$(printf '%s\n' "$err" | head -n 1)" \
	"pmemfile run: missing the command to run"
run "$PF" run p.pool --
expect "status with no command after --" "$rc" 2

# A tool with no shim beside it says where it looked (unless a shim is
# installed in the LIBDIR it was built for).
mkdir -p alone/bin
cp "$PF" alone/bin/pmemfile
run alone/bin/pmemfile run p.pool -- true
if [ "$rc" -ne 0 ]; then
	expect "status without a shim" "$rc" 125
	case $err in
	"pmemfile run: cannot find libpmemfile.so (looked in $(pwd)/alone/bin/../lib/libpmemfile.so and /"*"/)") ;;
	*) expect "message without a shim" "$err" "pmemfile run: cannot find libpmemfile.so (looked in ...)" ;;
	esac
fi

shim=$TEST_BUILD/lib/libpmemfile.so
if [ ! -f "$shim" ]; then
	[ $failed -eq 0 ] || exit 1
	echo "the shim $shim is not built: the runs were not tried"
	exit 77
fi
shim=$(cd "$(dirname "$shim")" && pwd)/libpmemfile.so

# The environment the program gets, and a kept LD_PRELOAD.
expect_run 0 "$shim
/mnt/pmemfile:$pool" "" \
	"$PF" run p.pool -- sh -c 'echo "$LD_PRELOAD"; echo "$PMEMFILE_POOLS"'
"$PF" mkdir p.pool /d || failed=1
run env LD_PRELOAD=/nonexistent/lib.so "$PF" run -m /mnt/pf -C /mnt/pf/d \
	p.pool printenv LD_PRELOAD PMEMFILE_POOLS PMEMFILE_CD
expect "environment with -m, -C and an LD_PRELOAD" "$out" "$shim /nonexistent/lib.so
/mnt/pf:$pool
/mnt/pf/d"

# -C: a directory that is missing or not one is refused with status 125
# (as env -C does), before the program runs; a relative one is taken from
# the current directory, as env -C takes it.
printf 'x\n' >kfile
"$PF" put p.pool kfile /file || failed=1
mkdir kdir
for d in reldir /mnt/pmemfile/missing /mnt/pmemfile/file kfile; do
	run "$PF" run -C "$d" p.pool -- sh -c 'echo ran'
	run env -C "$d" sh -c 'echo ran'
	kernel_rc=$rc
	case $d in
	/mnt/pmemfile/missing) why="No such file or directory" ;;
	/mnt/pmemfile/file | kfile) why="Not a directory" ;;
	*) why="No such file or directory" ;;
	esac
	expect_run 125 "" "pmemfile run: cannot change directory to '$d': $why" \
		"$PF" run -C "$d" p.pool -- sh -c 'echo ran'
	expect "env -C $d: the same status" "$kernel_rc" 125
done
expect_run 0 "$(pwd)/kdir" "" "$PF" run -C kdir p.pool -- /bin/pwd
expect_run 0 "/mnt/pmemfile/d" "" "$PF" run -C /mnt/pmemfile/d p.pool -- /bin/pwd
expect_run 0 "/mnt/pmemfile" "" "$PF" run -C /mnt/pmemfile p.pool -- /bin/pwd

# The program's status comes back; an unknown program is 127.
expect_run 3 "" "" "$PF" run p.pool -- sh -c 'exit 3'
expect_run 127 "" "pmemfile run: no-such-program: No such file or directory" \
	"$PF" run p.pool -- no-such-program
chmod 644 text.pool
expect_run 126 "" "pmemfile run: ./text.pool: Permission denied" \
	"$PF" run p.pool -- ./text.pool

# Programs' files are in the pool.
printf 'through the shim\n' >local
expect_run 0 "" "" "$PF" run p.pool -- mkdir /mnt/pmemfile/d2
expect_run 0 "" "" "$PF" run p.pool -- cp local /mnt/pmemfile/d/f
expect_run 0 "through the shim" "" "$PF" cat p.pool /d/f
expect_run 0 "through the shim" "" "$PF" run -m /mnt/other p.pool -- \
	cat /mnt/other/d/f
"$PF" stat p.pool /d2 >/dev/null || failed=1
"$PF" put p.pool local /g || failed=1
expect_run 0 "through the shim" "" "$PF" run p.pool cat /mnt/pmemfile/g

# A symbolic link made by a program, as the C API tools see it.
expect_run 0 "" "" "$PF" run p.pool -- ln -s d/f /mnt/pmemfile/link
run "$PF" ls -l p.pool /
expect "ls -l of a symbolic link" "$(printf '%s\n' "$out" | grep ' link ' |
	sed 's/.* \(link .*\)/\1/')" "link -> d/f"
expect "mode column of a symbolic link" \
	"$(printf '%s\n' "$out" | grep ' link ' | cut -c1-10)" "lrwxrwxrwx"
run "$PF" stat p.pool /link
expect "stat of a symbolic link" "$(printf '%s\n' "$out" | sed -n 2,4p)" \
	"type:   symbolic link
target: d/f
mode:   0777 (lrwxrwxrwx)"
expect_run 0 "through the shim" "" "$PF" cat p.pool /link
expect_run 0 "" "" "$PF" rm p.pool /link
expect_run 0 "through the shim" "" "$PF" cat p.pool /d/f
finish
