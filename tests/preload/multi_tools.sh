#!/bin/sh
# Programs that start others on one mount: tar c | tar x with both ends in
# the mount, find -exec (one process per file, and +), xargs -P2, sort
# with its temporary files in the mount, python multiprocessing (fork and
# spawn) writing files: output and resulting tree are those of a kernel
# directory.
. "$TEST_TOP/tests/preload/prog_lib.sh"

command -v python3 >/dev/null || prog_skip "python3 is not installed"
prog_init 256

S=$WORK/src
mkdir -p "$S"
cp -r "$TEST_TOP/include" "$TEST_TOP/utils" "$S/"
head -c 700000 /dev/urandom >"$S/random.bin"
ln -s include "$S/link"
find "$S" -exec touch -h -d '2016-01-02 03:04:05' {} +

cat >"$WORK/mp.py" <<'PY'
import hashlib, multiprocessing, os, sys

root = sys.argv[1]

def work(i):
    data = hashlib.sha256(str(i).encode()).hexdigest() * (200 + 50 * i)
    name = os.path.join(root, "mp", "part%02d" % i)
    with open(name, "w") as f:
        f.write(data)
    with open(os.path.join(root, "mp", "all.log"), "a") as f:
        f.write("part %02d %d\n" % (i, len(data)))
    return i, len(data)

if __name__ == "__main__":
    os.mkdir(os.path.join(root, "mp"))
    for method in ("fork", "spawn"):
        ctx = multiprocessing.get_context(method)
        with ctx.Pool(2) as pool:
            base = 0 if method == "fork" else 10
            for i, n in pool.map(work, range(base, base + 8)):
                print(method, i, n)
    total = 0
    for name in sorted(os.listdir(os.path.join(root, "mp"))):
        with open(os.path.join(root, "mp", name)) as f:
            total += len(f.read())
    print("total", total)
    with open(os.path.join(root, "mp", "all.log")) as f:
        lines = sorted(f.read().splitlines())
    print(len(lines), "log lines;", lines[0], "...", lines[-1])
PY

workload()
{
	$R mkdir "$D/src" "$D/copy" "$D/tmp"
	x tar -C "$S" -cf "$D/src.tar" .
	x tar -C "$D/src" -xf "$D/src.tar"
	# bounded: a pipeline whose processes wait for each other forever
	# fails here instead of at the harness's timeout
	x timeout -k 5 120 sh -c "tar -C '$D/src' -cf - . |
		tar -C '$D/copy' -xpf -"
	x diff -r "$D/src" "$D/copy"
	x sh -c "cd '$D' && find src -type f -name '*.h' -exec md5sum {} \\; | sort"
	x sh -c "cd '$D' && find src -type f -exec wc -c {} + | sort"
	x sh -c "cd '$D' && find copy -name '*.sh' -exec cp {} {}.bak \\;"
	x sh -c "cd '$D' && find copy -type f -name '*.c' -print0 |
		xargs -0 -P2 -n1 gzip -9"
	x sh -c "cd '$D' && find copy -name '*.gz' -print0 | sort -z |
		xargs -0 -P2 -n2 sh -c 'for f; do gzip -dc \"\$f\" |
		md5sum | sed \"s|-|\$f|\"; done' sh | sort"
	x sh -c "seq 1 400000 | awk '{ print (\$1 * 7919) % 400009 }' \
		>'$D/numbers'"
	x sort -n -T "$D/tmp" -S 1M -o "$D/sorted" "$D/numbers"
	x sh -c "md5sum <'$D/sorted'; head -n 3 '$D/sorted'; wc -l <'$D/sorted'"
	x sort -u -T "$D/tmp" -S 1M --parallel=2 -o "$D/unique" "$D/numbers"
	x cmp "$D/sorted" "$D/unique"
	x ls -A "$D/tmp"
	x python3 "$WORK/mp.py" "$D"
	x sh -c "sort -o '$D/mp/all.log' '$D/mp/all.log'"
	$R rm -f "$D/numbers" "$D/sorted" "$D/unique"
}

prog_both tools workload
