"""Runtime hook of the one-file executable: unpacks the payload (packaging/trim/payload.py) before any
other code of the program runs. PyInstaller runs the spec's own runtime hooks first.

The payload is an entry of the executable's archive that the bootloader leaves packed. Its files
are inflated on several threads: zstd frames by libzstd (bundled, unpacked by the bootloader), the
solid xz streams of machine code by Python's lzma. The files of a
lazy module (PDFium, the citation engine, printing) are unpacked when it is first imported. Only
the standard library, ctypes and payload_cache: nothing else is importable yet.

Where to: the first start of a build unpacks the payload once into a per-user cache,
``$XDG_CACHE_HOME/ncjrs-viewer/<payload key>/`` (``~/.cache/...``; packaging/payload_cache.py), and every
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

from payload_cache import CACHE_OFF, Cache, cache_folder, held  # noqa: F401  (packaging/payload_cache.py)

_COOKIE = b"MEI\014\013\012\013\016"
_COOKIE_FORMAT = "!8sIIII64s"
_ENTRY_FORMAT = "!IIIIBc"
_ENTRY_NAME = b"ncjrs-payload"
_MAGIC = b"NCJRSPK3"
CONTINUED = "+"
_KEY_SIZE = 16


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
    """(key, [(name, mode, size, frame offset, frame length, lazy module or "", codec)]) of the payload
    at ``offset``. A file of codec CONTINUED follows the one before in its (xz) frame; its length is 0."""
    head = os.pread(fd, 12 + _KEY_SIZE, offset)
    try:
        if head[:8] != _MAGIC:
            raise ValueError("no payload")
        (length,) = struct.unpack("<I", head[8 + _KEY_SIZE:])
        position = offset + len(head) + length
        members = []
        frame = position
        for line in os.pread(fd, length, offset + len(head)).decode().splitlines():
            dest, mode, size, packed, lazy, codec = line.split("\t")
            frame = frame if codec == CONTINUED else position  # where this file's frame starts
            members.append((dest, int(mode, 8), int(size), frame, int(packed), lazy, codec))
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

    def write(self, frames):
        ctypes = self.ctypes
        source, target = bytearray(CHUNK), bytearray(CHUNK)
        buffers = (source, ctypes.addressof((ctypes.c_char * CHUNK).from_buffer(source)),
                   target, ctypes.addressof((ctypes.c_char * CHUNK).from_buffer(target)))
        context = self.create()
        try:
            for frame in frames:
                if frame[0][6] == "xz":
                    self._solid(frame)
                    continue
                for member in frame:
                    self._file(member, lambda out, member=member: self._stream(context, member, out, *buffers))
        finally:
            self.free(context)

    def _file(self, member, fill):
        """Creates ``member``'s file, and ``fill(descriptor)`` writes its content."""
        import threading

        path = os.path.join(self.root, member[0])
        into = f"{path}.{os.getpid()}-{threading.get_ident()}.part" if self.atomic else path
        out = os.open(into, os.O_WRONLY | os.O_CREAT | os.O_EXCL, member[1])
        try:
            try:
                fill(out)
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
        """A zstd frame into ``out`` (a fresh frame resets the context's state)."""
        dest, _, size, offset, packed = member[:5]
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

    def _solid(self, frame):
        """An xz stream into the files of ``frame``, one after the other, in pieces of CHUNK bytes."""
        chunks = self._xz_chunks(frame[0])
        pending = memoryview(b"")

        def fill(out, member):
            nonlocal pending
            left = member[2]
            while left:
                if not len(pending):
                    pending = memoryview(next(chunks, b""))
                    if not len(pending):
                        raise RuntimeError(f"the executable's payload is damaged ({member[0]})")
                done = os.write(out, pending[:left])
                pending, left = pending[done:], left - done

        for member in frame:
            self._file(member, lambda out, member=member: fill(out, member))
        if len(pending) or next(chunks, None) is not None:
            raise RuntimeError(f"the executable's payload is damaged ({frame[-1][0]})")

    def _xz_chunks(self, first):
        import lzma

        offset, packed = first[3], first[4]
        decompressor, read = lzma.LZMADecompressor(lzma.FORMAT_XZ), 0
        try:
            while not decompressor.eof:
                data = b""
                if decompressor.needs_input:
                    data = os.pread(self.fd, min(CHUNK, packed - read), offset + read)
                    if not data:
                        raise RuntimeError(f"the executable's payload is damaged ({first[0]})")
                    read += len(data)
                out = decompressor.decompress(data, CHUNK)  # releases the GIL
                if out:
                    yield out
        except lzma.LZMAError:
            raise RuntimeError(f"the executable's payload is damaged ({first[0]})") from None

    def write_all(self, members, threads):
        """The members, whole frames, split over ``threads`` threads, largest first, each to the least loaded."""
        import threading

        for folder in sorted({os.path.dirname(m[0]) for m in members} - {""}):
            os.makedirs(os.path.join(self.root, folder), exist_ok=True)
        frames = []
        for member in members:  # a frame: a file, or an xz stream and the files that follow it in it
            if member[6] == CONTINUED and frames:
                frames[-1].append(member)
            else:
                frames.append([member])
        shares = [[] for _ in range(max(1, threads))]
        loads = [0] * len(shares)
        for frame in sorted(frames, key=lambda f: -sum(m[2] for m in f) * (4 if f[0][6] == "xz" else 1)):
            least = loads.index(min(loads))  # xz inflates about four times slower than zstd
            shares[least].append(frame)
            loads[least] += sum(m[2] for m in frame) * (4 if frame[0][6] == "xz" else 1)
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


def open_cache(key, members, fd, zstd, threads, root):
    """The cache entry of this payload, held and linked into ``root``; None where it cannot be used."""
    folder = cache_folder(os.environ)
    if folder is None:
        return None
    cache = Cache(folder, key, members)
    try:
        cache.open(lambda files, eager: Inflater(fd, files, zstd, durable=True).write_all(eager, threads))
        cache.link(root, sys.path)
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
