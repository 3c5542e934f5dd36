"""Runtime hook of the one-file executable: unpacks the payload (packaging/trim/payload.py) before any
other code of the program runs. PyInstaller runs the spec's own runtime hooks first.

The payload is an entry of the executable's archive that the bootloader leaves packed. Its files
are inflated by libzstd (bundled, unpacked by the bootloader) on several threads. The files of a
lazy module (PDFium, the citation engine, printing) are unpacked when it is first imported. Only
the standard library and ctypes: nothing else is importable yet.

Where to: the first start of a build unpacks the payload once into a per-user cache,
``$XDG_CACHE_HOME/ncjrs-viewer/<payload key>/`` (``~/.cache/...``; see :class:`Cache`), and every
start only links that folder's top-level entries into the bootloader's temporary folder with
symbolic links. The bootloader's removal of that folder at exit unlinks them and never follows
them (PyInstaller 6.22.3, ``pyi_recursive_rmdir``: ``lstat``, then ``unlink`` anything that is not
a directory), also when the program was killed. Whenever the cache cannot be used (no home,
read-only or full, not private, damaged and in use, or ``NCJRS_VIEWER_NO_CACHE=1``), the files are
unpacked into the bootloader's folder as before, which it deletes at exit.
"""

import os
import struct
import sys

_COOKIE = b"MEI\014\013\012\013\016"
_COOKIE_FORMAT = "!8sIIII64s"
_ENTRY_FORMAT = "!IIIIBc"
_ENTRY_NAME = b"ncjrs-payload"
_MAGIC = b"NCJRSPK2"
_KEY_SIZE = 16
CACHE_OFF = "NCJRS_VIEWER_NO_CACHE"  # set (not "0") to unpack into the temporary folder at every start
CACHE_NAME = "ncjrs-viewer"


def payload_span(fd):
    """(offset, length) of the payload entry in the executable open as ``fd``, or None."""
    end = os.fstat(fd).st_size
    tail = os.pread(fd, min(end, 8192), max(0, end - 8192))
    at = tail.rfind(_COOKIE)
    if at < 0:
        return None
    cookie_end = max(0, end - 8192) + at + struct.calcsize(_COOKIE_FORMAT)
    _, length, toc_offset, toc_length, _, _ = struct.unpack(
        _COOKIE_FORMAT, tail[at:at + struct.calcsize(_COOKIE_FORMAT)])
    start = cookie_end - length
    toc = os.pread(fd, toc_length, start + toc_offset)
    head = struct.calcsize(_ENTRY_FORMAT)
    position = 0
    while position < len(toc):
        entry_length, offset, packed, _, _, _ = struct.unpack_from(_ENTRY_FORMAT, toc, position)
        if toc[position + head:position + entry_length].rstrip(b"\0") == _ENTRY_NAME:
            return start + offset, packed
        position += entry_length
    return None


def read_members(fd, offset):
    """(key, [(name, mode, size, frame offset, frame length, lazy module or "")]) of the payload at ``offset``."""
    head = os.pread(fd, 12 + _KEY_SIZE, offset)
    try:
        if head[:8] != _MAGIC:
            raise ValueError("no payload")
        (length,) = struct.unpack("<I", head[8 + _KEY_SIZE:])
        position = offset + len(head) + length
        members = []
        for line in os.pread(fd, length, offset + len(head)).decode().splitlines():
            dest, mode, size, packed, lazy = line.split("\t")
            members.append((dest, int(mode, 8), int(size), position, int(packed), lazy))
            position += int(packed)
    except (ValueError, struct.error):  # UnicodeDecodeError is a ValueError
        raise RuntimeError("the executable's payload is damaged") from None
    return head[8:8 + _KEY_SIZE].hex(), members


CHUNK = 256 * 1024  # the buffers of one thread: small, so the C allocator keeps none of them


class Inflater:
    """Writes members into ``root``, inflating each frame with libzstd's streaming calls through two
    small buffers per thread: the process's memory hardly grows while it unpacks 70 MB.

    ``atomic``: each file is written under a temporary name and renamed into place when whole (a
    cache that other processes read). ``durable``: each file is flushed to the disk before it is
    closed (a cache must survive a crash of the machine right after it was made)."""

    def __init__(self, fd, root, zstd, atomic=False, durable=False):
        import ctypes

        class Buffer(ctypes.Structure):  # ZSTD_inBuffer and ZSTD_outBuffer: pointer, size, position
            _fields_ = [("data", ctypes.c_void_p), ("size", ctypes.c_size_t), ("pos", ctypes.c_size_t)]

        self.fd, self.root, self.zstd, self.atomic, self.durable = fd, root, zstd, atomic, durable
        self.ctypes, self.Buffer = ctypes, Buffer
        self.create, self.free, self.stream, self.is_error = (zstd.ZSTD_createDCtx, zstd.ZSTD_freeDCtx,
                                                             zstd.ZSTD_decompressStream, zstd.ZSTD_isError)
        self.create.restype = ctypes.c_void_p
        self.free.argtypes = [ctypes.c_void_p]
        self.stream.restype = ctypes.c_size_t
        self.stream.argtypes = [ctypes.c_void_p, ctypes.POINTER(Buffer), ctypes.POINTER(Buffer)]
        self.is_error.restype = ctypes.c_uint
        self.is_error.argtypes = [ctypes.c_size_t]

    def write(self, members):
        ctypes = self.ctypes
        source, target = bytearray(CHUNK), bytearray(CHUNK)
        source_at = ctypes.addressof((ctypes.c_char * CHUNK).from_buffer(source))
        target_at = ctypes.addressof((ctypes.c_char * CHUNK).from_buffer(target))
        context = self.create()
        try:
            for member in members:
                self._inflate(context, member, source, source_at, target, target_at)
        finally:
            self.free(context)

    def _inflate(self, context, member, source, source_at, target, target_at):
        """One frame into its file (a fresh frame resets the context's state)."""
        import threading

        path = os.path.join(self.root, member[0])
        into = f"{path}.{os.getpid()}-{threading.get_ident()}.part" if self.atomic else path
        out = os.open(into, os.O_WRONLY | os.O_CREAT | os.O_EXCL, member[1])
        try:
            try:
                self._stream(context, member, out, source, source_at, target, target_at)
                if self.durable:
                    os.fsync(out)
            finally:
                os.close(out)
            if self.atomic:
                os.replace(into, path)
        except BaseException:
            if self.atomic:
                os.unlink(into)
            raise

    def _stream(self, context, member, out, source, source_at, target, target_at):
        dest, _, size, offset, packed, _ = member
        read = written = 0
        inp, outp = self.Buffer(source_at, 0, 0), self.Buffer(target_at, CHUNK, 0)
        while True:
            if inp.pos == inp.size and read < packed:
                inp.size = os.preadv(self.fd, [memoryview(source)[:min(CHUNK, packed - read)]], offset + read)
                if not inp.size:
                    break  # the executable ends inside the payload
                inp.pos = 0
                read += inp.size
            outp.pos = 0
            hint = self.stream(context, self.ctypes.byref(outp), self.ctypes.byref(inp))
            if self.is_error(hint):
                break
            view = memoryview(target)[:outp.pos]
            while view:
                view = view[os.write(out, view):]
            written += outp.pos
            if hint == 0 or (inp.pos == inp.size and read == packed and outp.pos < CHUNK):
                break  # the frame's end, or input spent with nothing left to flush (damaged)
        if hint or written != size:  # an error code, a frame cut short, or not the size recorded
            raise RuntimeError(f"the executable's payload is damaged ({dest})")

    def write_all(self, members, threads):
        """The members split over ``threads`` threads, largest first, each to the least loaded."""
        import threading

        for folder in sorted({os.path.dirname(m[0]) for m in members} - {""}):
            os.makedirs(os.path.join(self.root, folder), exist_ok=True)
        shares = [[] for _ in range(max(1, threads))]
        loads = [0] * len(shares)
        for member in sorted(members, key=lambda m: -m[2]):
            least = loads.index(min(loads))
            shares[least].append(member)
            loads[least] += member[2]
        failures = []

        def run(share):
            try:
                self.write(share)
            except BaseException as exc:  # re-raised below, on the main thread
                failures.append(exc)

        workers = [threading.Thread(target=run, args=(share,)) for share in shares[1:]]
        for worker in workers:
            worker.start()
        run(shares[0])
        for worker in workers:
            worker.join()
        if failures:
            raise failures[0]


class LazyModules:
    """A meta path finder: the first import of a lazy module unpacks its files; steps aside when all are.
    ``unpack(group)`` unpacks a module's members; ``where`` names their folder in a message."""

    def __init__(self, unpack, where, members):
        self.unpack, self.where = unpack, where
        self.groups = {}
        for member in members:
            self.groups.setdefault(member[5], []).append(member)

    def find_spec(self, fullname, path=None, target=None):
        group = self.groups.pop(fullname, None)  # the import system holds this module's lock
        if group is not None:
            if not self.groups and self in sys.meta_path:
                sys.meta_path.remove(self)
            try:
                self.unpack(group)
            except (OSError, RuntimeError) as exc:  # the program's import guards say it in one line
                reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
                raise ImportError(f"cannot unpack {fullname} into {self.where}: {reason}") from None
        return None


def _held(path, exclusive):
    """An open lock file of a cache folder, locked (shared or exclusive) without waiting, or None:
    missing, or held the other way by another process. The descriptor is never closed while the
    lock is wanted: a process holds the entry it uses until it ends."""
    import fcntl

    try:
        lock = os.open(os.path.join(path, "lock"), os.O_RDONLY)
    except OSError:
        return None
    try:
        fcntl.flock(lock, (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB)
    except OSError:
        os.close(lock)
        return None
    return lock


def _private(path):
    """``path`` (lstat) is a directory of this user that nobody else may enter."""
    import stat

    status = os.lstat(path)
    return stat.S_ISDIR(status.st_mode) and status.st_uid == os.getuid() and not status.st_mode & 0o077


def cache_folder(environ):
    """``$XDG_CACHE_HOME/ncjrs-viewer`` (``~/.cache`` when unset or relative), or None: the cache is
    turned off, or there is no absolute home to put it in."""
    if environ.get(CACHE_OFF, "") not in ("", "0"):
        return None
    base = environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):
        home = environ.get("HOME", "")
        if not os.path.isabs(home):
            return None
        base = os.path.join(home, ".cache")
    return os.path.join(base, CACHE_NAME)


class Cache:
    """The payload unpacked once per user and build, in ``<folder>/<key>/files``.

    An entry is made in a private sibling (``.<key>.<pid>.part``) and renamed into place only when
    complete, with a marker (the key, how many files, their total size), so a killed first start
    leaves no half entry; it is then checked at every start by that marker and the type and size of
    every file (stat only: hashing 80 MB would cost more than unpacking saves). Each process holds
    a shared lock on the entry it uses (``lock``); a first start of another build removes every
    entry nobody holds, so the folder holds one build's files, and a damaged entry nobody holds is
    made again. Lazy members are added to the entry, each under a temporary name renamed into place,
    on their first import."""

    def __init__(self, folder, key, members):
        self.folder, self.key, self.members = folder, key, members
        self.entry = os.path.join(folder, key)
        self.files = os.path.join(self.entry, "files")
        self.eager = [m for m in members if not m[5]]
        self.marker = f"{key} {len(self.eager)} {sum(m[2] for m in self.eager)}\n".encode()
        self.lock = None

    def open(self, fd, zstd, threads):
        """Holds a complete entry for this process, making it first if needed; raises if it cannot."""
        if not os.path.isdir(self.folder):
            os.makedirs(os.path.dirname(self.folder), mode=0o700, exist_ok=True)
            os.makedirs(self.folder, mode=0o700, exist_ok=True)
        if not _private(self.folder):
            raise RuntimeError(f"{self.folder} is not a private folder of this user")
        self.lock = self._hold()  # held while this process runs (the descriptor is never closed)
        if self.lock is None:
            self.discard(self.entry)  # damaged or incomplete: made again unless another process holds it
            self._make(fd, zstd, threads)
            self.lock = self._hold()
            if self.lock is None:
                raise RuntimeError("the cache entry is in use or damaged")
            for name in os.listdir(self.folder):
                if name != self.key:
                    self.discard(os.path.join(self.folder, name))

    def _hold(self):
        lock = _held(self.entry, exclusive=False)
        if lock is not None and not self._complete():
            os.close(lock)
            lock = None
        return lock

    def _complete(self):
        import stat

        try:
            if not _private(self.entry):
                return False
            with open(os.path.join(self.entry, "complete"), "rb") as marker:
                if marker.read() != self.marker:
                    return False
            for member in self.eager:
                status = os.lstat(os.path.join(self.files, member[0]))
                if not stat.S_ISREG(status.st_mode) or status.st_size != member[2]:
                    return False
        except OSError:
            return False
        return True

    def _make(self, fd, zstd, threads):
        import fcntl

        part = os.path.join(self.folder, f".{self.key}.{os.getpid()}.part")
        self.discard(part)  # left by a killed process that had this process's number
        os.mkdir(part, 0o700)
        lock = os.open(os.path.join(part, "lock"), os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                files = os.path.join(part, "files")
                for folder in sorted({os.path.dirname(m[0]) for m in self.members}):  # lazy ones too
                    os.makedirs(os.path.join(files, folder), exist_ok=True)
                Inflater(fd, files, zstd, durable=True).write_all(self.eager, threads)
                marker = os.open(os.path.join(part, "complete"), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                try:
                    os.write(marker, self.marker)
                    os.fsync(marker)
                finally:
                    os.close(marker)
            except BaseException:
                self.discard(part, lock)
                raise
            try:
                os.rename(part, self.entry)
            except OSError:  # another first start was quicker: its entry serves (checked next)
                self.discard(part, lock)
        finally:
            os.close(lock)

    def discard(self, path, lock=None):
        """Removes ``path`` (an entry, or a partial one) unless another process holds it."""
        import shutil

        if not os.path.lexists(path):
            return
        held = lock if lock is not None else _held(path, exclusive=True)
        if held is None and os.path.exists(os.path.join(path, "lock")):
            return  # in use
        trash = os.path.join(self.folder, f".trash.{os.getpid()}.{os.path.basename(path)}")
        try:
            os.rename(path, trash)
            if os.path.isdir(trash) and not os.path.islink(trash):
                shutil.rmtree(trash, ignore_errors=True)
            else:
                os.unlink(trash)
        except OSError:
            pass
        finally:
            if held is not None and held != lock:
                os.close(held)

    def link(self, root):
        """Symbolic links in ``root`` to the entry's files: one per top-level name, deeper only where
        the bootloader made a folder of the same name. Undone if it fails."""
        made = []
        try:
            _link_tree(self.files, root, made)
        except OSError:
            for path in reversed(made):
                os.unlink(path)
            raise

    def unpack_lazy(self, inflater, group, root):
        """A lazy module's files into the entry (unless there already), then visible in ``root``."""
        missing = [m for m in group if not _has(os.path.join(self.files, m[0]), m[2])]
        inflater.write_all(missing, threads=1)
        for member in group:
            path = os.path.join(root, member[0])
            if not os.path.lexists(path):
                os.makedirs(os.path.dirname(path), exist_ok=True)
                os.symlink(os.path.join(self.files, member[0]), path)


def _has(path, size):
    try:
        return os.stat(path).st_size == size
    except OSError:
        return False


def _link_tree(source, target, made):
    with os.scandir(source) as entries:
        for entry in entries:
            path = os.path.join(target, entry.name)
            try:
                os.symlink(entry.path, path)
                made.append(path)
            except FileExistsError:
                if not (entry.is_dir(follow_symlinks=False) and os.path.isdir(path) and not os.path.islink(path)):
                    raise
                _link_tree(entry.path, path, made)


def open_cache(key, members, fd, zstd, threads, root):
    """The cache entry of this payload, held and linked into ``root``; None where it cannot be used."""
    folder = cache_folder(os.environ)
    if folder is None:
        return None
    cache = Cache(folder, key, members)
    try:
        cache.open(fd, zstd, threads)
        cache.link(root)
    except (OSError, RuntimeError):
        return None
    return cache


def unpack(executable, root, threads):
    fd = os.open(executable, os.O_RDONLY)
    span = payload_span(fd)
    if span is None:  # built without the payload (--keep payload)
        os.close(fd)
        return
    import ctypes

    key, members = read_members(fd, span[0])
    zstd = ctypes.CDLL(os.path.join(root, "libzstd.so.1"))
    cache = open_cache(key, members, fd, zstd, threads, root)
    if cache is None:
        inflater = Inflater(fd, root, zstd)
        inflater.write_all([m for m in members if not m[5]], threads)
        lazy = LazyModules(lambda group: inflater.write_all(group, threads=1), root, [])
    else:
        inflater = Inflater(fd, cache.files, zstd, atomic=True)
        lazy = LazyModules(lambda group: cache.unpack_lazy(inflater, group, root), cache.files, [])
    for member in members:
        if member[5]:
            lazy.groups.setdefault(member[5], []).append(member)
    if lazy.groups:
        sys.meta_path.insert(0, lazy)  # keeps fd open for them


def start(executable, root, threads):
    """:func:`unpack`, or one line and exit status 1: a full or unwritable temporary folder, or a
    damaged executable, is told to the user plainly (no traceback)."""
    try:
        unpack(executable, root, threads)
    except (OSError, RuntimeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        hint = " (set TMPDIR to a folder with room that you may write)" if isinstance(exc, OSError) else ""
        sys.stderr.write(f"ncjrs-viewer: cannot unpack the program into {os.path.dirname(root)}: {reason}{hint}\n")
        sys.stderr.flush()
        raise SystemExit(1) from None


if getattr(sys, "frozen", False) and hasattr(sys, "_MEIPASS"):
    start(sys.executable, sys._MEIPASS, threads=min(4, len(os.sched_getaffinity(0))))
