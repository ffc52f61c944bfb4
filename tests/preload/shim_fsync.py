# shim_fsync.py ROOT CALL: stores through a shared map of a 64 KiB file in
# ROOT, then CALL (fsync, fdatasync, syncfs, sync, or none); prints whether
# the map's pages are dirty (not yet written to the file's medium) after the
# stores and after the call, as /proc/self/smaps counts them, and the
# file's last bytes as read(2) sees them.
import ctypes, mmap, os, sys, time

def dirty_kb(addr, length):
    total, inside = 0, False
    with open("/proc/self/smaps") as f:
        for line in f:
            w = line.split()
            if w and "-" in w[0] and not w[0].endswith(":"):
                s, e = (int(x, 16) for x in w[0].split("-"))
                inside = s < addr + length and e > addr
            elif inside and w[0] in ("Shared_Dirty:", "Private_Dirty:"):
                total += int(w[1])
    return total

root, call = sys.argv[1], sys.argv[2]
n = 16 * 4096
fd = os.open(os.path.join(root, "f" + call), os.O_RDWR | os.O_CREAT, 0o644)
os.write(fd, b"\0" * n)
if call != "none":
    os.fsync(fd)
m = mmap.mmap(fd, n)
addr = ctypes.addressof(ctypes.c_char.from_buffer(m))
m[:] = b"m" * n
print(call, "dirty after the stores:", "yes" if dirty_kb(addr, n) else "no")
if call == "fsync":
    os.fsync(fd)
elif call == "fdatasync":
    os.fdatasync(fd)
elif call == "syncfs":
    libc = ctypes.CDLL(None, use_errno=True)
    print("syncfs:", libc.syncfs(fd))
elif call == "sync":
    os.sync()
print(call, "dirty after the call:", "yes" if dirty_kb(addr, n) else "no")
print(call, "bytes:", os.pread(fd, 8, n - 8))
del addr
m.close()
os.close(fd)
