# multi_writer.py -- processes writing one directory at once, each keeping
# a journal (in a kernel directory) of what it did, and a check of the
# directory against the journals. Used by multi_stress.sh and
# multi_kill.sh.
#
#   multi_writer.py work ROOT NAME JOURNAL SECONDS SEED [eio]
#       writes ROOT/NAME/f0..f7 (each replaced whole: written to a
#       temporary name, renamed over) and appends records "NAME SEQ" to
#       ROOT/shared.log (O_APPEND, kept open) for SECONDS or until ROOT's
#       sibling file "stop" exists. With eio, a call may fail with EIO (its
#       holder died): what it did is then uncertain, and the program goes
#       on; any other error ends it with status 1.
#   multi_writer.py check ROOT JOURNAL...
#       each file holds the last version its writer finished, or one it
#       began after that; every finished record is in the log once, in its
#       writer's order; nothing else is there.
import errno
import os
import random
import sys
import time

FILES = 8


def content(name, f, gen):
    head = ("%s f%d gen %d\n" % (name, f, gen)).encode()
    rnd = random.Random("%s/%d/%d" % (name, f, gen))
    return head * rnd.randint(1, 400)


def work(root, name, journal, seconds, seed, eio):
    rnd = random.Random(seed)
    jfd = os.open(journal, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)

    def note(line):
        os.write(jfd, (line + "\n").encode())

    d = os.path.join(root, name)
    # with eio, the mkdir a dying holder was running fails with EIO and
    # may or may not have made the directory: it is asked for again
    for tries in range(100):
        try:
            os.mkdir(d)
            break
        except OSError as e:
            if eio and e.errno == errno.EIO and tries < 99:
                continue
            if eio and e.errno == errno.EEXIST and tries > 0:
                break
            raise
    note("M")
    stop = os.path.join(os.path.dirname(root), "stop")
    log = None
    gen = [0] * FILES
    seq = 0
    end = time.time() + seconds
    while time.time() < end and not os.path.exists(stop):
        op = -1  # opening the log
        try:
            if log is None:
                log = os.open(os.path.join(root, "shared.log"),
                              os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            op = rnd.randrange(10)
            f = rnd.randrange(FILES)
            path = os.path.join(d, "f%d" % f)
            if op < 5:
                g = max(gen) + 1
                gen[f] = g
                tmp = path + ".tmp"
                fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC,
                             0o644)
                data = content(name, f, g)
                try:
                    if os.write(fd, data) != len(data):
                        raise OSError(errno.EIO, "short write")
                finally:
                    os.close(fd)
                note("I %d %d" % (f, g))
                os.rename(tmp, path)
                note("D %d %d" % (f, g))
            elif op < 9:
                seq += 1
                note("i %d" % seq)
                rec = ("%s %d\n" % (name, seq)).encode()
                if os.write(log, rec) != len(rec):
                    raise OSError(errno.EIO, "short append")
                note("A %d" % seq)
            else:
                note("I %d 0" % f)
                try:
                    os.unlink(path)
                except FileNotFoundError:
                    pass
                note("D %d 0" % f)
        except OSError as e:
            if not (eio and e.errno == errno.EIO):
                print("%s: operation %d (0-4 replace, 5-8 append, 9 unlink): "
                      "%s" % (name, op, e), flush=True)
                sys.exit(1)
            note("E")
            if log is not None:
                try:
                    os.close(log)
                except OSError:
                    pass
                log = None
    if log is not None:
        os.close(log)


def check(root, journals):
    bad = []
    done_recs = {}
    maybe_recs = {}
    names = []
    for j in journals:
        name = os.path.basename(j).rsplit(".", 1)[0]
        names.append(name)
        done = {f: 0 for f in range(FILES)}
        maybe = {f: set() for f in range(FILES)}
        recs, pend = [], set()
        made = False
        with open(j) as fj:
            for line in fj:
                w = line.split()
                if not w or (line[-1] != "\n"):
                    continue  # the writer was killed mid-line
                if w[0] == "M":
                    made = True
                elif w[0] == "I":
                    maybe[int(w[1])].add(int(w[2]))
                elif w[0] == "D":
                    f, g = int(w[1]), int(w[2])
                    done[f] = g
                    maybe[f] = set()
                elif w[0] == "i":
                    pend.add(int(w[1]))
                elif w[0] == "A":
                    recs.append(int(w[1]))
                    pend.discard(int(w[1]))
        done_recs[name] = recs
        maybe_recs[name] = pend
        d = os.path.join(root, name)
        if not os.path.isdir(d):
            # a writer killed before its mkdir returned has none
            if made:
                bad.append("%s: no directory" % name)
            continue
        for f in range(FILES):
            path = os.path.join(d, "f%d" % f)
            ok = {done[f]} | maybe[f]
            try:
                with open(path, "rb") as fh:
                    data = fh.read()
            except FileNotFoundError:
                data = None
            if data is None:
                if 0 not in ok:
                    bad.append("%s/f%d: missing, expected gen %s" %
                               (name, f, sorted(ok)))
                continue
            g = int(data.split(b"\n", 1)[0].split()[-1]) if data else -1
            if g not in ok or g == 0 or data != content(name, f, g):
                bad.append("%s/f%d: holds %d bytes of gen %d, expected "
                           "gen %s" % (name, f, len(data), g, sorted(ok)))
    seen = {n: [] for n in names}
    with open(os.path.join(root, "shared.log"), "rb") as fl:
        for line in fl.read().split(b"\n")[:-1]:
            w = line.decode(errors="replace").split()
            if len(w) != 2 or w[0] not in seen or not w[1].isdigit():
                bad.append("shared.log: a stray line %r" % line[:60])
                continue
            seen[w[0]].append(int(w[1]))
    for n in names:
        got = seen[n]
        if got != sorted(got) or len(set(got)) != len(got):
            bad.append("shared.log: %s's records out of order or twice" % n)
        missing = set(done_recs[n]) - set(got)
        extra = set(got) - set(done_recs[n]) - maybe_recs[n]
        if missing:
            bad.append("shared.log: %d records of %s lost, first %d" %
                       (len(missing), n, min(missing)))
        if extra:
            bad.append("shared.log: %d records of %s never written" %
                       (len(extra), n))
    for b in bad[:20]:
        print(b)
    total = sum(len(r) for r in done_recs.values())
    print("checked %d writers: %s" % (len(names), "bad" if bad else "ok"))
    return 1 if bad else 0, total


if __name__ == "__main__":
    if sys.argv[1] == "work":
        work(sys.argv[2], sys.argv[3], sys.argv[4], float(sys.argv[5]),
             int(sys.argv[6]), len(sys.argv) > 7 and sys.argv[7] == "eio")
    else:
        rc, total = check(sys.argv[2], sys.argv[3:])
        sys.exit(rc)
