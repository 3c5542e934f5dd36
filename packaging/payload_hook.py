"""Runtime hook of the one-file executable: unpacks the payload (packaging/trim/payload.py) before any
other code of the program runs. PyInstaller runs the spec's own runtime hooks first.

The payload is an entry of the executable's archive that the bootloader leaves packed. Its files
are inflated by libzstd (bundled, unpacked by the bootloader) on several threads, each file
straight into the bootloader's temporary folder, which the bootloader deletes at exit. The files
of a lazy module (PDFium, the citation engine, printing) are unpacked when it is first imported. Only the standard library and
ctypes: nothing else is importable yet.
"""

import os
import struct
import sys

_COOKIE = b"MEI\014\013\012\013\016"
_COOKIE_FORMAT = "!8sIIII64s"
_ENTRY_FORMAT = "!IIIIBc"
_ENTRY_NAME = b"ncjrs-payload"
_MAGIC = b"NCJRSPK1"


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
    """[(name, mode, size, frame offset, frame length, lazy module or "")] of the payload at ``offset``."""
    head = os.pread(fd, 12, offset)
    if head[:8] != _MAGIC:
        raise RuntimeError("the executable's payload is damaged")
    (length,) = struct.unpack("<I", head[8:12])
    position = offset + 12 + length
    members = []
    for line in os.pread(fd, length, offset + 12).decode().splitlines():
        dest, mode, size, packed, lazy = line.split("\t")
        members.append((dest, int(mode, 8), int(size), position, int(packed), lazy))
        position += int(packed)
    return members


CHUNK = 256 * 1024  # the buffers of one thread: small, so the C allocator keeps none of them


class Inflater:
    """Writes members into ``root``, inflating each frame with libzstd's streaming calls through two
    small buffers per thread: the process's memory hardly grows while it unpacks 70 MB."""

    def __init__(self, fd, root, zstd):
        import ctypes

        class Buffer(ctypes.Structure):  # ZSTD_inBuffer and ZSTD_outBuffer: pointer, size, position
            _fields_ = [("data", ctypes.c_void_p), ("size", ctypes.c_size_t), ("pos", ctypes.c_size_t)]

        self.fd, self.root, self.ctypes, self.Buffer = fd, root, ctypes, Buffer
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
        dest, mode, size, offset, packed, _ = member
        out = os.open(os.path.join(self.root, dest), os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
        try:
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
        finally:
            os.close(out)
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
    """A meta path finder: the first import of a lazy module unpacks its files; steps aside when all are."""

    def __init__(self, inflater, members):
        self.inflater = inflater
        self.groups = {}
        for member in members:
            self.groups.setdefault(member[5], []).append(member)

    def find_spec(self, fullname, path=None, target=None):
        group = self.groups.pop(fullname, None)  # the import system holds this module's lock
        if group is not None:
            if not self.groups and self in sys.meta_path:
                sys.meta_path.remove(self)
            try:
                self.inflater.write_all(group, threads=1)
            except (OSError, RuntimeError) as exc:  # the program's import guards say it in one line
                reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
                raise ImportError(f"cannot unpack {fullname} into {self.inflater.root}: {reason}") from None
        return None


def unpack(executable, root, threads):
    fd = os.open(executable, os.O_RDONLY)
    span = payload_span(fd)
    if span is None:  # built without the payload (--keep payload)
        os.close(fd)
        return
    import ctypes

    members = read_members(fd, span[0])
    inflater = Inflater(fd, root, ctypes.CDLL(os.path.join(root, "libzstd.so.1")))
    inflater.write_all([m for m in members if not m[5]], threads)
    lazy = [m for m in members if m[5]]
    if lazy:
        sys.meta_path.insert(0, LazyModules(inflater, lazy))  # keeps fd open for them


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
