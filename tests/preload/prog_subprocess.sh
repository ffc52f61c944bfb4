#!/bin/sh
# python3's subprocess on a mount, whose child is made by vfork and runs in
# the parent's memory until its execve: standard streams from and to files
# of the mount (dup2 onto 0-2 of the parent's descriptors, then
# close_range of the rest), cwd= a directory of the mount (chdir in the
# child), a script stored in the mount, a missing program
# (FileNotFoundError), four threads starting children at once, pass_fds
# of a file of the mount (its offset shared), a child
# given cwd= a kernel directory while the parent's is in the mount, and a
# first process whose first use of the mount is its child's. Before, the
# child's dup2 and close_range were the kernel's alone (the new program
# found an eventfd on its stdin: sort waited forever) and its chdir into a
# mount failed with ENOTSUP. Compared with the same script on a kernel
# directory.
. "$TEST_TOP/tests/preload/prog_lib.sh"

PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3) || prog_skip "python3 is not installed"
prog_init 64

cat >"$WORK/script.py" <<'EOF'
import os, subprocess, sys, threading

root, out = sys.argv[1], sys.argv[2]
os.umask(0o022)

def show(*a):
    print(*(str(x).replace(root, "ROOT").replace(out, "OUT") for x in a))

def run(*a, **k):
    return subprocess.run(*a, timeout=60, **k)

sub = os.path.join(root, "sub")
os.makedirs(sub)
with open(os.path.join(sub, "in.txt"), "w") as f:
    f.write("pear\napple\nfig\n")
with open(os.path.join(sub, "in.txt")) as i, \
        open(os.path.join(sub, "sorted.txt"), "w") as o:
    r = run(["sort", "-r"], stdin=i, stdout=o)
show("sort", r.returncode, open(os.path.join(sub, "sorted.txt")).read())
r = run(["sh", "-c", "pwd; ls; wc -l < in.txt; echo err >&2"], cwd=sub,
        capture_output=True, text=True)
show("cwd", r.returncode, r.stdout, r.stderr)
with open(os.path.join(sub, "log.txt"), "a") as o:
    for k in range(3):
        run(["echo", "line", str(k)], cwd=sub, stdout=o, stderr=o)
show("log", open(os.path.join(sub, "log.txt")).read())
with open(os.path.join(sub, "s.sh"), "w") as f:
    f.write("#!/bin/sh\necho script \"$@\" \"$(pwd)\"\n")
os.chmod(os.path.join(sub, "s.sh"), 0o755)
r = run(["./s.sh", "a", "b"], cwd=sub, capture_output=True, text=True)
show("script", r.returncode, r.stdout)
try:
    run(["./missing"], cwd=sub)
except FileNotFoundError as e:
    show("missing", e.errno)
r = run(["sh", "-c", "pwd"], cwd=out, capture_output=True, text=True)
show("kernel cwd", r.returncode, r.stdout)
res = [None] * 4
def work(k):
    r = run(["sh", "-c", "echo t%d > t%d.txt && cat t%d.txt" % (k, k, k)],
            cwd=sub, capture_output=True, text=True)
    res[k] = (r.returncode, r.stdout)
ts = [threading.Thread(target=work, args=(k,)) for k in range(4)]
for t in ts:
    t.start()
for t in ts:
    t.join()
show("threads", res)
# a descriptor of the mount passed (pass_fds: the child clears its
# close-on-exec flag), its offset shared; one not passed is closed
p = os.path.join(sub, "in.txt")
fd = os.open(p, os.O_RDONLY)
os.lseek(fd, 5, os.SEEK_SET)
r = run(["sh", "-c", "cat <&%d" % fd], pass_fds=(fd,), capture_output=True,
        text=True)
show("pass_fds", r.returncode, r.stdout, os.lseek(fd, 0, os.SEEK_CUR))
r = run(["sh", "-c", "cat <&%d" % fd], capture_output=True, text=True)
show("not passed", r.returncode, "Bad file descriptor" in r.stderr)
os.close(fd)
EOF

workload()
{
	x "$PY" "$WORK/script.py" "$D" "$O"
	# a process whose first use of the mount is its child's
	x "$PY" -c 'import subprocess, sys
r = subprocess.run(["cat", "in.txt"], cwd=sys.argv[1] + "/sub",
                   capture_output=True, text=True, timeout=60)
print(r.returncode, r.stdout, end="")' "$D"
}

prog_both subprocess workload
