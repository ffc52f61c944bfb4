# multi_cwdrename.py ROOT: a process's current directory and its directory
# descriptors follow their directory through renames made by another
# process, and a directory made since at the old path is not theirs: the
# process inside (a client of the pool's holder), its fork child and a
# program it starts all see what the kernel shows.
import errno
import os
import subprocess
import sys

root = sys.argv[1]

INSIDE = r'''
import errno, os, subprocess, sys
def tr(f):
    try:
        return f()
    except OSError as e:
        return errno.errorcode[e.errno]
os.chdir(sys.argv[1])
dfd = os.open(".", os.O_RDONLY | os.O_DIRECTORY)
def show():
    return "getcwd %s | ls . %s | stat f %s | ls dfd %s | stat dfd/f %s" % (
        tr(os.getcwd), tr(lambda: sorted(os.listdir("."))),
        tr(lambda: os.stat("f").st_size),
        tr(lambda: sorted(os.listdir(dfd))),
        tr(lambda: os.stat("f", dir_fd=dfd).st_size))
for line in sys.stdin:
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.write(w, show().encode())
        os._exit(0)
    os.waitpid(pid, 0)
    os.close(w)
    child = os.read(r, 4096).decode()
    os.close(r)
    prog = subprocess.run(["sh", "-c", 'echo "$(pwd) | $(ls)"'],
                          capture_output=True, text=True).stdout.strip()
    print(line.strip() + ":\n  self  " + show() + "\n  fork  " + child +
          "\n  exec  " + prog, flush=True)
    print("END", flush=True)
'''


def run(tag):
    base = os.path.join(root, tag)
    os.makedirs(os.path.join(base, "d1", "sub"))
    with open(os.path.join(base, "d1", "sub", "f"), "w") as f:
        f.write("ok\n")
    a = subprocess.Popen([sys.executable, "-c", INSIDE,
                          os.path.join(base, "d1", "sub")],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         text=True)

    def probe(what):
        a.stdin.write(what + "\n")
        a.stdin.flush()
        for l in a.stdout:
            if l.strip() == "END":
                break
            print(l.rstrip().replace(root, "ROOT"), flush=True)

    print("==", tag)
    probe("inside")
    # the renames and the new directory by other processes (mv, mkdir)
    subprocess.run(["mv", os.path.join(base, "d1"),
                    os.path.join(base, "d2")], check=True)
    probe("after d1 -> d2 by another process")
    os.makedirs(os.path.join(base, "d1", "sub"))
    with open(os.path.join(base, "d1", "sub", "f"), "w") as f:
        f.write("impostor\n")
    probe("after a new d1/sub with another f")
    subprocess.run(["mv", os.path.join(base, "d2"),
                    os.path.join(base, "d1", "sub", "d3")], check=True)
    probe("after d2 -> d1/sub/d3")
    a.stdin.close()
    print("exit", a.wait())


# a process holds the pool while the one inside is its client
hold = os.open(os.path.join(root, "hold"), os.O_CREAT | os.O_RDWR, 0o644)
run("client")
os.close(hold)
os.unlink(os.path.join(root, "hold"))
