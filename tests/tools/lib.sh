# lib.sh -- sourced by the tools tests: where the tools are, and checks that
# compare a command's exit status, standard output and standard error with
# the exact expected ones. A test ends with `finish`.
set -u
PF=$TEST_BUILD/bin/pmemfile
MKFS=$TEST_BUILD/bin/mkfs.pmemfile
export PMEM_IS_PMEM_FORCE=1
# Messages of the kernel's tools (the reference) in plain ASCII quotes.
export LC_ALL=C
failed=0

if [ ! -x "$PF" ] || [ ! -x "$MKFS" ]; then
	echo "the pmemfile tools are not built ($PF)"
	exit 77
fi

# run CMD...: sets rc, out and err.
run() {
	"$@" >"$TMPDIR/.out" 2>"$TMPDIR/.err"
	rc=$?
	out=$(cat "$TMPDIR/.out")
	err=$(cat "$TMPDIR/.err")
}

# expect WHAT GOT WANT
expect() {
	[ "$2" = "$3" ] && return 0
	printf 'FAIL: %s\n--- expected:\n%s\n--- got:\n%s\n---\n' "$1" "$3" "$2"
	failed=1
}

# expect_lines WHAT GOT PATTERNS: as many lines as PATTERNS, each matching
# its pattern (a shell pattern: * for what varies, such as an offset).
expect_lines() {
	ng=$(printf '%s\n' "$2" | wc -l)
	nw=$(printf '%s\n' "$3" | wc -l)
	ok=1
	[ "$ng" = "$nw" ] || ok=0
	i=1
	while [ $ok = 1 ] && [ $i -le "$nw" ]; do
		g=$(printf '%s\n' "$2" | sed -n "${i}p")
		w=$(printf '%s\n' "$3" | sed -n "${i}p")
		# shellcheck disable=SC2254
		case $g in $w) ;; *) ok=0 ;; esac
		i=$((i + 1))
	done
	[ $ok = 1 ] || expect "$1" "$2" "$3"
}

# expect_run STATUS STDOUT STDERR CMD...
expect_run() {
	want_rc=$1
	want_out=$2
	want_err=$3
	shift 3
	run "$@"
	expect "status of: $*" "$rc" "$want_rc"
	expect "stdout of: $*" "$out" "$want_out"
	expect "stderr of: $*" "$err" "$want_err"
}

# expect_created POOL LINE CMD...: CMD makes POOL and says LINE, then what
# files can take of it: the bytes and inodes pmemfile df shows available.
expect_created() {
	pool=$1
	line=$2
	shift 2
	run "$@"
	expect "status of: $*" "$rc" 0
	expect "stderr of: $*" "$err" ""
	expect "stdout of: $*" "$(printf '%s\n' "$out" | head -n 1)" "$line"
	expect_usable "$pool"
}

# expect_usable POOL: the second line of $out is the usable line of POOL.
expect_usable() {
	second=$(printf '%s\n' "$out" | sed -n 2p)
	usable=$(printf '%s\n' "$second" |
		sed -n 's/^usable: [^ ]* (\([0-9]*\) bytes) for files, up to \([0-9]*\) inodes$/\1 \2/p')
	df=$("$PF" df "$1")
	avail=$(printf '%s\n' "$df" |
		sed -n 's/^available: *[^ ]* *(\([0-9]*\) blocks)$/\1/p')
	ffree=$(printf '%s\n' "$df" |
		sed -n 's/^inodes: .* used, \([0-9]*\) free.*/\1/p')
	expect "usable line of $1, as df says" "$usable" \
		"$((${avail:-0} * 4096)) $ffree"
}

# A fresh pool of 16M at $1.
new_pool() {
	rm -f "$1"
	"$MKFS" "$1" 16M >/dev/null || {
		echo "mkfs.pmemfile $1 16M failed"
		exit 1
	}
}

finish() {
	[ $failed -eq 0 ] && echo "all checks passed"
	exit $failed
}
