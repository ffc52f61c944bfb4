#!/bin/sh
# shim_placeholder: pool descriptors stay usable whatever the program does
# to descriptors it does not know of: after close_range over everything, a
# dup2 onto every high number and a close of each of them, new pool files
# open, read and write, and poll sees them ready, as on a kernel directory.
. "$TEST_TOP/tests/preload/shim_lib.sh"
command -v python3 >/dev/null || { echo "python3 is not installed"; exit 77; }
shim_init
cat >"$WORK/ph.py" <<'PY'
import os, select, sys
d = sys.argv[1]

def use(name):
    fd = os.open(os.path.join(d, name), os.O_CREAT | os.O_RDWR, 0o644)
    os.write(fd, name.encode())
    p = select.poll()
    p.register(fd, select.POLLIN | select.POLLOUT)
    print(name, fd, os.pread(fd, 16, 0), p.poll(0))
    return fd

os.close(use("a"))
os.closerange(3, 1 << 20)
keep = use("b")
k = os.open("/dev/null", os.O_RDONLY)
for n in range(800, 1024):
    os.dup2(k, n)
print("c", use("c") == keep + 2)
for n in range(800, 1024):
    os.close(n)
closed = 0
for n in range(3, 1024):
    try:
        os.close(n)
        closed += 1
    except OSError:
        pass
print("closed", closed)
print("d", use("d"))
print(sorted(os.listdir(d)))
PY
python3 "$WORK/ph.py" "$KDIR" 2>&1 | shim_sanitize >"$WORK/k.out"
pf python3 "$WORK/ph.py" "$MNT" 2>&1 | shim_sanitize >"$WORK/m.out"
grep -q "^\['a'" "$WORK/k.out" || {
	cat "$WORK/k.out"
	shim_fail "the script did not run to its end on the kernel directory"
}
shim_diff "descriptors after close_range, dup2 and close" "$WORK/k.out" \
	"$WORK/m.out"
shim_check_mountpoint
