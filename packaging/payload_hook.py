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


class Inflater:
    """Writes members into ``root``, inflating each frame with libzstd (one buffer per thread)."""

    def __init__(self, fd, root, zstd):
        import ctypes

        self.fd, self.root, self.ctypes = fd, root, ctypes
        self.decompress = zstd.ZSTD_decompress
        self.decompress.restype = ctypes.c_size_t
        self.decompress.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_char_p, ctypes.c_size_t]
        self.is_error = zstd.ZSTD_isError
        self.is_error.restype = ctypes.c_uint
        self.is_error.argtypes = [ctypes.c_size_t]

    def write(self, members):
        if not members:
            return
        buffer = bytearray(max(m[2] for m in members) or 1)
        pointer = (self.ctypes.c_char * len(buffer)).from_buffer(buffer)
        view = memoryview(buffer)
        try:
            for dest, mode, size, offset, packed, _ in members:
                frame = os.pread(self.fd, packed, offset)
                done = self.decompress(pointer, len(buffer), frame, packed)
                if self.is_error(done) or done != size:
                    raise RuntimeError(f"the executable's payload is damaged ({dest})")
                out = os.open(os.path.join(self.root, dest), os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
                try:
                    written = 0
                    while written < size:
                        written += os.write(out, view[written:size])
                finally:
                    os.close(out)
        finally:
            view.release()
            del pointer

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
            self.inflater.write_all(group, threads=1)
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


if getattr(sys, "frozen", False) and hasattr(sys, "_MEIPASS"):
    unpack(sys.executable, sys._MEIPASS, threads=min(4, len(os.sched_getaffinity(0))))
