#!/bin/sh
# shim_dlopen: libraries stored in a mount are loaded from there after
# start-up, the loader's own calls reaching the shim: dlopen of a mount path
# (ctypes), a dlclose and a load again, a dependency found beside its
# library ($ORIGIN), a library found through LD_LIBRARY_PATH into the
# mount, and a Python extension module imported from the mount; the same
# as from a kernel directory, also with every object patched
# (INTERCEPT_ALL_OBJS=1: the objects loaded from the mount are patched at
# load, in the memory the shim copied them to), and with the loader left
# unpatched until it makes a call (the net armed: its first call, the
# load, patches it), also with a thread running. A process that loads
# nothing never has it patched.
. "$TEST_TOP/tests/preload/shim_lib.sh"
command -v python3 >/dev/null || { echo "python3 is not installed"; exit 77; }
shim_init
LIBS="$TEST_BUILD/tests/intercept/liblate_asm.so
$TEST_BUILD/tests/preload/liblate_origin.so"

# A Python extension module, when there is a compiler and Python.h.
inc=$(python3 -c 'import sysconfig; print(sysconfig.get_paths()["include"])')
cat >"$WORK/lateext.c" <<'C'
#include <Python.h>
#include <unistd.h>

static PyObject *ppid(PyObject *self, PyObject *args)
{
	(void)self, (void)args;
	return PyLong_FromLong(getppid());
}

static PyMethodDef methods[] = {{"ppid", ppid, METH_NOARGS, NULL},
				{NULL, NULL, 0, NULL}};
static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "lateext", NULL,
				    -1, methods, NULL, NULL, NULL, NULL};

PyMODINIT_FUNC PyInit_lateext(void)
{
	return PyModule_Create(&module);
}
C
ext=no
if command -v cc >/dev/null && [ -f "$inc/Python.h" ] &&
	cc -shared -fPIC -I"$inc" -o "$WORK/lateext.so" "$WORK/lateext.c" \
		2>"$WORK/cc.err"; then
	ext=yes
	LIBS="$LIBS
$WORK/lateext.so"
else
	echo "no Python extension module: no compiler or no Python.h"
fi

cp $LIBS "$KDIR/" || shim_fail "cannot copy the libraries"
pf cp $LIBS "$MNT/" || shim_fail "cannot copy the libraries into the mount"

cat >"$WORK/load.py" <<'PY'
import ctypes, _ctypes, os, sys

root, ext = sys.argv[1], sys.argv[2]
ppid = os.getppid()
path = os.path.join(root, "liblate_asm.so")
lib = ctypes.CDLL(path)
print("dlopen:", lib.late_init_value() == ppid,
      lib.late_syscall(110, 0, 0) == ppid)
_ctypes.dlclose(lib._handle)
lib = ctypes.CDLL(path)
print("loaded again:", lib.late_syscall(110, 0, 0) == ppid)
top = ctypes.CDLL(os.path.join(root, "liblate_origin.so"))
print("with its dependency:", top.late_top_call(5) == ppid)
if ext == "yes":
    sys.path.insert(0, root)
    import lateext
    print("extension module:", lateext.ppid() == ppid,
          lateext.__file__ == os.path.join(root, "lateext.so"))
PY
cat >"$WORK/byname.py" <<'PY'
import ctypes, os
lib = ctypes.CDLL("liblate_asm.so")
print("by name:", lib.late_syscall(110, 0, 0) == os.getppid())
PY

# run ROOT [VAR=VALUE...]: the loads from ROOT, as python3 prints them,
# with the variables given in the environment
run()
{
	root=$1
	shift
	env "$@" python3 "$WORK/load.py" "$root" "$ext" 2>&1
	env "$@" LD_LIBRARY_PATH="$root" python3 "$WORK/byname.py" 2>&1
}

run "$KDIR" >"$WORK/k.out"
cat "$WORK/k.out"
grep -q "by name: True" "$WORK/k.out" && ! grep -q False "$WORK/k.out" ||
	shim_fail "the loads from the kernel directory did not work"
run "$MNT" LD_PRELOAD="$SHIM" PMEMFILE_POOLS="$MNT:$POOL" >"$WORK/m.out"
shim_diff "loads from the mount" "$WORK/k.out" "$WORK/m.out"
run "$MNT" LD_PRELOAD="$SHIM" PMEMFILE_POOLS="$MNT:$POOL" \
	INTERCEPT_ALL_OBJS=1 >"$WORK/m.all"
shim_diff "loads from the mount, every object patched" "$WORK/k.out" \
	"$WORK/m.all"
# the loader waits for its first call
env LD_PRELOAD="$SHIM" PMEMFILE_POOLS="$MNT:$POOL" INTERCEPT_LOG="$WORK/l1" \
	true || shim_fail "true under the shim failed"
grep -q "ld-linux" "$WORK/l1" &&
	shim_fail "the loader was patched in a process that loaded nothing"
run "$MNT" LD_PRELOAD="$SHIM" PMEMFILE_POOLS="$MNT:$POOL" \
	INTERCEPT_LOG="$WORK/l2" >"$WORK/m.log"
shim_diff "loads from the mount, logged" "$WORK/k.out" "$WORK/m.log"
grep -q "ld-linux.* patched after the net" "$WORK/l2" ||
	shim_fail "the loader was not patched at its first call"
# a load from the mount with a thread running
cat >"$WORK/threads.py" <<'PY'
import ctypes, os, sys, threading
ev = threading.Event()
t = threading.Thread(target=ev.wait)
t.start()
lib = ctypes.CDLL(os.path.join(sys.argv[1], "liblate_asm.so"))
print("with a thread:", lib.late_syscall(110, 0, 0) == os.getppid())
ev.set()
t.join()
PY
python3 "$WORK/threads.py" "$KDIR" >"$WORK/k.thr" 2>&1
env LD_PRELOAD="$SHIM" PMEMFILE_POOLS="$MNT:$POOL" \
	python3 "$WORK/threads.py" "$MNT" >"$WORK/m.thr" 2>&1
shim_diff "a load with a thread running" "$WORK/k.thr" "$WORK/m.thr"
shim_check_mountpoint
