#!/bin/sh
# shim_lazy: libpmemobj is loaded by the first use of a mount, not at start:
# a process that never touches a mount does not map it, one that does maps
# it from then on and works; a pool that cannot be loaded or opened is
# refused with a message (shim_env covers bad pools).
. "$TEST_TOP/tests/preload/shim_lib.sh"
command -v python3 >/dev/null || { echo "python3 is not installed"; exit 77; }
shim_init
cat >"$WORK/lazy.py" <<'PY'
import os, sys

def loaded():
    with open("/proc/self/maps") as f:
        return "libpmemobj" in f.read()

print("at start", loaded())
os.stat("/")
print("after kernel calls", loaded())
with open(os.path.join(sys.argv[1], "f"), "w") as f:
    f.write("pool\n")
print("after the mount", loaded(), open(os.path.join(sys.argv[1], "f")).read().strip())
PY
pf python3 "$WORK/lazy.py" "$MNT" >"$WORK/m.out" 2>&1
cat >"$WORK/want" <<'END'
at start False
after kernel calls False
after the mount True pool
END
diff -u "$WORK/want" "$WORK/m.out" ||
	shim_fail "libpmemobj was not loaded on first use of the mount only"
echo "ok: libpmemobj is loaded by the first use of the mount"
ldd "$SHIM" | grep -q libpmemobj &&
	shim_fail "libpmemfile.so names libpmemobj as a dependency"
echo "ok: libpmemfile.so does not depend on libpmemobj at load time"
shim_check_mountpoint
