# shim_rmdirfd.py ROOT [nocwd]: paths relative to a descriptor of a
# removed directory, and to the cwd in one (not with nocwd), as the kernel
# resolves them: "." is the directory itself, ".." the parent it had, a name
# in it is missing (also one to be made), and a new directory made at its
# old path is never met through it. Prints what each call gives, ROOT
# standing for the root.
import ctypes
import errno
import os
import stat
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import shimcmp  # noqa: E402
from shimcmp import attempt, show  # noqa: E402

root = sys.argv[1]
shimcmp.root = root
known = {}
libc = ctypes.CDLL(None, use_errno=True)
AT_EMPTY_PATH = 0x1000
SYS_faccessat2 = 439


def call(fn, *args):
    """A C library call: its return, or its errno's name."""
    ret = fn(*args)
    if ret < 0:
        return errno.errorcode[ctypes.get_errno()]
    return ret


def learn(name, st):
    known[(st.st_dev, st.st_ino)] = name


def ident(st):
    return known.get((st.st_dev, st.st_ino), "another file")


def opened(path, fd, flags=os.O_RDONLY, mode=0o644):
    """What open of path relative to fd gives: the file it is, by name."""
    n = os.open(path, flags, mode, dir_fd=fd)
    try:
        return ident(os.fstat(n))
    finally:
        os.close(n)


def removed_dir(path):
    """A descriptor of path, a directory made here and then removed."""
    os.mkdir(path)
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    learn("the removed " + path.replace(root, "ROOT"), os.fstat(fd))
    os.rmdir(path)
    return fd


learn("ROOT/..", os.stat(root + "/.."))
learn("ROOT", os.stat(root))
os.makedirs(root + "/p")
learn("ROOT/p", os.stat(root + "/p"))
with open(root + "/p/x", "w") as f:
    f.write("x\n")
learn("ROOT/p/x", os.stat(root + "/p/x"))

fd = removed_dir(root + "/p/d")
# a new directory at the old path, with a name the old one never had
os.mkdir(root + "/p/d")
with open(root + "/p/d/x", "w") as f:
    f.write("new\n")
learn("the new ROOT/p/d", os.stat(root + "/p/d"))
learn("the new ROOT/p/d/x", os.stat(root + "/p/d/x"))

paths = [".", "./", ".//", "./.", "././", "..", "../", "./..", "../.",
         "../..", "../../..", "../x", "./../x", "../d", "../d/x", "x", "./x",
         "x/", "x/..", "./x/..", "d", "../nothing"]
for p in paths:
    attempt("open " + p, lambda: opened(p, fd))
    attempt("stat " + p, lambda: ident(os.stat(p, dir_fd=fd)))
    attempt("lstat " + p,
            lambda: ident(os.stat(p, dir_fd=fd, follow_symlinks=False)))
    attempt("readlink " + p, lambda: os.readlink(p, dir_fd=fd))
    attempt("access " + p, lambda: os.access(p, os.R_OK, dir_fd=fd))
for p in [".", "./", ".."]:
    attempt("open O_DIRECTORY " + p,
            lambda: opened(p, fd, os.O_RDONLY | os.O_DIRECTORY))
    attempt("open O_WRONLY " + p, lambda: opened(p, fd, os.O_WRONLY))
    attempt("open O_CREAT " + p,
            lambda: opened(p, fd, os.O_CREAT | os.O_WRONLY))
    attempt("open O_PATH " + p, lambda: opened(p, fd, os.O_PATH))
for p in ["x", "./x", "y", "x/", "../p/d/y"]:
    attempt("open O_CREAT " + p,
            lambda: opened(p, fd, os.O_CREAT | os.O_WRONLY))
    attempt("open O_CREAT|O_EXCL " + p,
            lambda: opened(p, fd, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    attempt("open O_DIRECTORY " + p,
            lambda: opened(p, fd, os.O_RDONLY | os.O_DIRECTORY))

# the names a call makes or removes
for p in [".", "./", "..", "../", "x", "./y", "y/", "../d"]:
    attempt("mkdir " + p, lambda: os.mkdir(p, dir_fd=fd))
    attempt("mkfifo " + p, lambda: os.mkfifo(p, dir_fd=fd))
    attempt("symlink " + p, lambda: os.symlink("t", p, dir_fd=fd))
for p in [".", "./", "..", "../", "x", "./x", "y/"]:
    attempt("unlink " + p, lambda: os.unlink(p, dir_fd=fd))
    attempt("rmdir " + p, lambda: os.rmdir(p, dir_fd=fd))
pfd = os.open(root + "/p", os.O_RDONLY | os.O_DIRECTORY)
for p in [".", "..", "x", "y/", "./y/"]:
    attempt("rename " + p + " to ROOT/p/z",
            lambda: os.rename(p, "z", src_dir_fd=fd, dst_dir_fd=pfd))
    attempt("rename ROOT/p/x to " + p,
            lambda: os.rename("x", p, src_dir_fd=pfd, dst_dir_fd=fd))
    attempt("link " + p + " to ROOT/p/z",
            lambda: os.link(p, "z", src_dir_fd=fd, dst_dir_fd=pfd))
    attempt("link ROOT/p/x to " + p,
            lambda: os.link("x", p, src_dir_fd=pfd, dst_dir_fd=fd))
show("faccessat2 AT_EMPTY_PATH",
     call(libc.syscall, SYS_faccessat2, fd, b"", os.R_OK, AT_EMPTY_PATH))
show("fchownat AT_EMPTY_PATH",
     call(libc.fchownat, fd, b"", -1, -1, AT_EMPTY_PATH))
attempt("ROOT/p holds", lambda: sorted(os.listdir(root + "/p")))

# attributes of "." change the removed directory itself
attempt("chmod .", lambda: os.chmod(".", 0o700, dir_fd=fd))
attempt("its mode", lambda: oct(stat.S_IMODE(os.fstat(fd).st_mode)))
attempt("utime .", lambda: os.utime(".", (5, 7), dir_fd=fd))
attempt("its times",
        lambda: (os.fstat(fd).st_atime, os.fstat(fd).st_mtime))
attempt("chown .", lambda: os.chown(".", -1, -1, dir_fd=fd))
attempt("chmod x", lambda: os.chmod("x", 0o700, dir_fd=fd))
attempt("utime ..", lambda: os.utime("..", (9, 11), dir_fd=fd))
attempt("ROOT/p times", lambda: (os.stat(root + "/p").st_atime,
                                 os.stat(root + "/p").st_mtime))
attempt("the new ROOT/p/d mode",
        lambda: oct(stat.S_IMODE(os.stat(root + "/p/d").st_mode)))
attempt("the new ROOT/p/d holds", lambda: sorted(os.listdir(root + "/p/d")))
attempt("the removed directory holds", lambda: os.listdir(fd))
n = os.open(".", os.O_RDONLY, dir_fd=fd)
attempt("it again, by the descriptor of its \".\"", lambda: os.listdir(n))
attempt("its \"..\" by that descriptor", lambda: opened("..", n))
attempt("a name by that descriptor", lambda: opened("x", n))
os.close(n)

# a removed directory in a removed directory: ".." is the removed parent
os.mkdir(root + "/q")
qfd = os.open(root + "/q", os.O_RDONLY | os.O_DIRECTORY)
learn("the removed ROOT/q", os.fstat(qfd))
rfd = removed_dir(root + "/q/r")
os.rmdir(root + "/q")
os.mkdir(root + "/q")
learn("the new ROOT/q", os.stat(root + "/q"))
for p in ["..", "../", "../.", "../..", "../../p/x", "../r", "../../q",
          "./../..", "../x"]:
    attempt("in q/r: open " + p, lambda: opened(p, rfd))
    attempt("in q/r: stat " + p, lambda: ident(os.stat(p, dir_fd=rfd)))
attempt("in q/r: mkdir ../y", lambda: os.mkdir("../y", dir_fd=rfd))
attempt("in q/r: rmdir ..", lambda: os.rmdir("..", dir_fd=rfd))
attempt("in q/r: unlink ../..", lambda: os.unlink("../..", dir_fd=rfd))

# a removed directory at the root of the file system: ".." is the root
tfd = removed_dir(root + "/t")
for p in [".", "..", "../..", "../p/x", "../t"]:
    attempt("in t: open " + p, lambda: opened(p, tfd))

if sys.argv[2:] == ["nocwd"]:
    show("done", "yes")
    sys.exit(0)

# the cwd in a removed directory
os.fchdir(fd)
attempt("getcwd in it", os.getcwd)
for p in [".", "./", "..", "../x", "x", "./x", "../d/x"]:
    attempt("in the cwd: stat " + p, lambda: ident(os.stat(p)))
    attempt("in the cwd: open " + p, lambda: opened(p, None))
attempt("in the cwd: open O_CREAT y",
        lambda: opened("y", None, os.O_CREAT | os.O_WRONLY))
attempt("in the cwd: mkdir y", lambda: os.mkdir("y"))
attempt("in the cwd: listdir .", lambda: os.listdir("."))
attempt("chdir ..", lambda: os.chdir(".."))
attempt("getcwd after", os.getcwd)
attempt("ROOT/p holds", lambda: sorted(os.listdir(root + "/p")))
attempt("the new ROOT/p/d holds", lambda: sorted(os.listdir(root + "/p/d")))
show("done", "yes")
