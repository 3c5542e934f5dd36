"""The per-user unpack cache of the one-file executable, used by its runtime hook (packaging/payload_hook.py,
which says why). Bundled as a module of its own; the standard library only (os, fcntl, stat, shutil).
"""

import os

CACHE_OFF = "NCJRS_VIEWER_NO_CACHE"  # set (not "0") to unpack into the temporary folder at every start
CACHE_NAME = "ncjrs-viewer"


def held(path, exclusive):
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

    def open(self, unpack):
        """Holds a complete entry for this process, making it first if needed; raises if it cannot.
        ``unpack(folder, members)`` writes the members into a folder, each file flushed to the disk."""
        if not os.path.isdir(self.folder):
            os.makedirs(os.path.dirname(self.folder), mode=0o700, exist_ok=True)
            os.makedirs(self.folder, mode=0o700, exist_ok=True)
        if not _private(self.folder):
            raise RuntimeError(f"{self.folder} is not a private folder of this user")
        if os.statvfs(self.folder).f_flag & os.ST_NOEXEC:  # its libraries could not be loaded from there
            raise RuntimeError(f"{self.folder} is on a file system mounted noexec")
        self.lock = self._hold()  # held while this process runs (the descriptor is never closed)
        if self.lock is None:
            self.discard(self.entry)  # damaged or incomplete: made again unless another process holds it
            self._make(unpack)
            self.lock = self._hold()
            if self.lock is None:
                raise RuntimeError("the cache entry is in use or damaged")
            for name in os.listdir(self.folder):
                if name != self.key:
                    self.discard(os.path.join(self.folder, name))

    def _hold(self):
        lock = held(self.entry, exclusive=False)
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

    def _make(self, unpack):
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
                unpack(files, self.eager)
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
        mine = lock if lock is not None else held(path, exclusive=True)
        if mine is None and os.path.exists(os.path.join(path, "lock")):
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
            if mine is not None and mine != lock:
                os.close(mine)

    def link(self, root, path):
        """Symbolic links in ``root`` to the entry's files: one per top-level name, deeper only where
        the bootloader made a folder of the same name; where that folder is on the module search
        ``path`` (lib-dynload), the entry's folder goes on it after it instead of a link per file
        (one ``symlink`` can take 0.5 ms). Undone if it fails."""
        made, searched = [], []
        try:
            _link_tree(self.files, root, made, path, searched)
        except OSError:
            for link in reversed(made):
                os.unlink(link)
            for folder in searched:
                path.remove(folder)
            raise

    def unpack_lazy(self, inflater, group, root):
        """A lazy module's files into the entry (unless there already), then visible in ``root``."""
        if not all(_has(os.path.join(self.files, m[0]), m[2]) for m in group):
            inflater.write_all(group, threads=1)  # whole frames: an xz stream holds several files
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


def _link_tree(source, target, made, search, searched):
    with os.scandir(source) as entries:
        for entry in entries:
            path = os.path.join(target, entry.name)
            try:
                os.symlink(entry.path, path)
                made.append(path)
            except FileExistsError:
                if not (entry.is_dir(follow_symlinks=False) and os.path.isdir(path) and not os.path.islink(path)):
                    raise
                if path in search:
                    search.insert(search.index(path) + 1, entry.path)
                    searched.append(entry.path)
                else:
                    _link_tree(entry.path, path, made, search, searched)
