#!/bin/sh
# demo.sh BUILD -- the main job, for real. Keeps a 1 GiB sparse pool at
# ${XDG_DATA_HOME:-~/.local/share}/pmemfile/demo.pool (created when absent,
# reused when it passes its check, recreated when it does not) and runs
# unmodified programs on it through the preload shim, each in its own
# process: tar extracts this repository's sources into the mount, ls, du and
# md5sum look at them, sqlite3 builds and queries a database there.
#
# Everything shown is what the programs printed. Any failure stops the demo
# with a message naming the command and a non-zero status.
set -u

build=$(cd "${1:-build}" 2>/dev/null && pwd) || {
	echo "demo: no build folder '${1:-build}'; run make first" >&2
	exit 1
}
top=$(cd "$(dirname "$0")/.." && pwd)
pmemfile=$build/bin/pmemfile
shim=$build/lib/libpmemfile.so
mnt=/mnt/pmemfile
dir=${XDG_DATA_HOME:-$HOME/.local/share}/pmemfile
pool=$dir/demo.pool

fail() {
	echo "demo: FAILED: $*" >&2
	exit 1
}

heading() {
	printf '\n== %s\n' "$*"
}

# The arguments as a shell would need them typed.
quoted() {
	for arg; do
		case $arg in
		*[!A-Za-z0-9_./=:@%+-]* | '')
			printf " '%s'" "$(printf '%s' "$arg" | sed "s/'/'\\\\''/g")"
			;;
		*) printf ' %s' "$arg" ;;
		esac
	done
}

# Shows a command as typed, then runs it; a failure ends the demo.
show() {
	printf '$%s\n' "$(quoted "$@")"
	"$@" || fail "'$*' exited with status $?"
}

# Runs a program under the shim, with the pool mounted at $mnt.
on_pool() {
	printf '[pool] $%s\n' "$(quoted "$@")"
	"$pmemfile" run -m "$mnt" "$pool" -- "$@" ||
		fail "'$*' on the mount exited with status $?"
}

now_ms() {
	echo $(($(date +%s%N) / 1000000))
}

elapsed_since() {
	ms=$(($(now_ms) - $1))
	printf '(took %d.%03d s)\n' $((ms / 1000)) $((ms % 1000))
}

[ -x "$pmemfile" ] || fail "$pmemfile is not built (run make)"
[ -f "$shim" ] || fail "the preload shim $shim is not built (run make)"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pmemfile-demo.XXXXXX") || fail "mktemp"
trap 'rm -rf "$tmp"' EXIT INT TERM

heading "The pool"
mkdir -p "$dir" || fail "cannot create $dir"
if [ -e "$pool" ]; then
	if "$pmemfile" check "$pool" >"$tmp/check" 2>&1; then
		echo "Reusing the pool of an earlier run, $pool. It holds:"
		show "$pmemfile" ls -l "$pool" /
		echo "Removing what the earlier run put there:"
		show "$pmemfile" rm -r -f "$pool" /src /demo.db /demo.db-journal
	elif [ "$(tail -n 1 "$tmp/check")" != "$pool: damaged" ]; then
		cat "$tmp/check" >&2
		fail "cannot use $pool (left as it is)"
	else
		echo "The pool at $pool failed its check:"
		cat "$tmp/check"
		echo "Recreating it."
		rm -f "$pool" || fail "cannot remove $pool"
		show "$pmemfile" create --sparse "$pool" 1G
	fi
else
	echo "Creating a new pool (none at $pool yet)."
	show "$pmemfile" create --sparse "$pool" 1G
fi
printf 'The pool file: %s bytes long, %s on disk.\n' \
	"$(stat -c %s "$pool")" "$(du -h "$pool" | cut -f1)"
# On an ordinary file system the pool runs in journal mode: in memory, and
# durable at each fsync and every 5 s. Where that cannot run (before Linux
# 6.7) libpmemobj makes every flush an msync to disk, which takes seconds
# per hundred files; with PMEM_IS_PMEM_FORCE=1 it flushes CPU caches and
# the kernel writes the pages back as for any mapped file. A setting the
# user made is left alone.
show "$pmemfile" durability "$pool"
if [ -z "${PMEM_IS_PMEM_FORCE+set}" ] &&
	"$pmemfile" durability "$pool" | grep -q ": msync "; then
	export PMEM_IS_PMEM_FORCE=1
	echo "Running with PMEM_IS_PMEM_FORCE=1: not durable, but not slow"
	echo "(set PMEM_IS_PMEM_FORCE=0 to msync every flush instead)."
fi

heading "A source tree: this repository"
if git -C "$top" rev-parse --verify -q HEAD >/dev/null 2>&1; then
	show git -C "$top" archive --format=tar -o "$tmp/src.tar" HEAD
else
	show tar -C "$top" -cf "$tmp/src.tar" --exclude=./build --exclude=./.git .
fi
mkdir "$tmp/ref" && tar -C "$tmp/ref" -xf "$tmp/src.tar" ||
	fail "cannot unpack the sources into $tmp/ref"
(cd "$tmp/ref" && find . -type f | sed 's|^\./||' | LC_ALL=C sort) \
	>"$tmp/files" || fail "cannot list the sources"
nfiles=$(wc -l <"$tmp/files")
echo "$nfiles files, $(du -sh "$tmp/ref" | cut -f1) on the kernel's file system."

heading "tar extracts them into the mount"
echo "Each [pool] line is one process: pmemfile run -m $mnt POOL -- COMMAND"
echo "starts COMMAND, unmodified, with $shim preloaded."
on_pool mkdir "$mnt/src"
start=$(now_ms)
on_pool tar -xf "$tmp/src.tar" -C "$mnt/src"
elapsed_since "$start"

# Read back without the shim, so that files that went to the kernel by
# mistake can never pass for files in the pool.
echo "Read back with the C API (pmemfile ls/get, no shim):"
"$pmemfile" ls -a "$pool" /src | grep -v '^\.\.\{0,1\}$' >"$tmp/pool.top" ||
	fail "pmemfile ls of /src"
(cd "$tmp/ref" && ls -A | LC_ALL=C sort) >"$tmp/ref.top"
LC_ALL=C sort "$tmp/pool.top" | cmp -s - "$tmp/ref.top" ||
	fail "the pool's /src does not hold the tree's top-level entries"
first=$(grep -x README.md "$tmp/files" || head -n 1 "$tmp/files")
"$pmemfile" get "$pool" "/src/$first" "$tmp/first" ||
	fail "pmemfile get /src/$first"
cmp -s "$tmp/first" "$tmp/ref/$first" ||
	fail "/src/$first in the pool differs from the original"
echo "/src holds the $(wc -l <"$tmp/ref.top") top-level entries of the tree;" \
	"/src/$first is byte-identical."

heading "ls and du look at them"
on_pool ls -l "$mnt/src"
on_pool du -sh "$mnt/src"

heading "md5sum of every file, in the mount and in the original"
set --
while IFS= read -r f; do
	set -- "$@" "$mnt/src/$f"
done <"$tmp/files"
start=$(now_ms)
printf '[pool] $ md5sum %s/src/... (%d files)\n' "$mnt" "$nfiles"
"$pmemfile" run -m "$mnt" "$pool" -- md5sum "$@" >"$tmp/pool.md5" ||
	fail "md5sum on the mount exited with status $?"
elapsed_since "$start"
sed "s|  $mnt/src/|  |" "$tmp/pool.md5" >"$tmp/pool.sums"
(cd "$tmp/ref" && tr '\n' '\0' <"$tmp/files" | xargs -0 md5sum) \
	>"$tmp/ref.sums" || fail "md5sum of the originals"
head -n 3 "$tmp/pool.sums"
echo "..."
if ! cmp -s "$tmp/pool.sums" "$tmp/ref.sums"; then
	diff "$tmp/ref.sums" "$tmp/pool.sums" | head -n 20
	fail "files in the mount differ from the originals"
fi
echo "All $nfiles checksums match the originals."

heading "sqlite3 builds a database in the mount"
{
	# WAL mode: sqlite3 maps its -shm index shared, in place in the pool
	echo "PRAGMA journal_mode=WAL;"
	echo "CREATE TABLE files(path TEXT PRIMARY KEY, bytes INTEGER, md5 TEXT);"
	echo "BEGIN;"
	while read -r sum path; do
		bytes=$(stat -c %s "$tmp/ref/$path")
		printf "INSERT INTO files VALUES('%s', %s, '%s');\n" \
			"$(printf '%s' "$path" | sed "s/'/''/g")" "$bytes" "$sum"
	done <"$tmp/ref.sums"
	echo "COMMIT;"
	echo "CREATE TABLE numbers(n INTEGER PRIMARY KEY, square INTEGER);"
	echo "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c"
	echo "  WHERE n < 10000) INSERT INTO numbers SELECT n, n * n FROM c;"
} >"$tmp/load.sql"
printf '[pool] $ sqlite3 %s/demo.db < load.sql   (WAL mode, %d rows of files, 10000 numbers)\n' \
	"$mnt" "$nfiles"
"$pmemfile" run -m "$mnt" "$pool" -- sqlite3 "$mnt/demo.db" <"$tmp/load.sql" ||
	fail "sqlite3 could not load the database (status $?)"
echo "A new process queries it:"
on_pool sqlite3 -header -column "$mnt/demo.db" \
	"SELECT path, bytes FROM files ORDER BY bytes DESC, path LIMIT 5;"
on_pool sqlite3 -header -column "$mnt/demo.db" \
	"SELECT count(*), sum(square) FROM numbers;"
on_pool sqlite3 "$mnt/demo.db" "PRAGMA integrity_check;"
want=$(awk -v f="$first" '$2 == f { print $1 }' "$tmp/ref.sums")
got=$("$pmemfile" run -m "$mnt" "$pool" -- sqlite3 "$mnt/demo.db" \
	"SELECT md5 FROM files WHERE path = '$first';") ||
	fail "sqlite3 query of $first"
[ "$got" = "$want" ] ||
	fail "the database says md5 '$got' for $first, the file has '$want'"
on_pool ls -l "$mnt/demo.db"
echo "Read back with the C API (no shim):"
show "$pmemfile" ls -l "$pool" /demo.db

heading "The pool now"
show "$pmemfile" df "$pool"
show "$pmemfile" check "$pool"
printf 'The pool file: %s on disk. It stays at %s; the next run reuses it.\n' \
	"$(du -h "$pool" | cut -f1)" "$pool"
