"""Writing output files safely: all of a set or none, through temporaries renamed into place.

Every module that writes files (build, export, the network files, viz, docs) uses these helpers,
so that a failure (a full disk, an unwritable directory, a kill) never leaves a half-written or
mixed set of files; ``output_lock`` keeps two builds from writing to one directory at once. No
other module writes files (``tests/test_architecture.py``).
"""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Callable, Iterator, Union

from .errors import GraphError, KGError

#: kg's own temporaries: ".<file>.kg-<pid>-<random>.tmp" beside the file they will replace.
TEMPORARY = re.compile(r"^\..+\.kg-(\d+)-[a-z0-9_]+\.tmp$")


def _write_file(fd: int, data: "Content") -> None:
    """Write all bytes (or what ``data(stream)`` writes) to a file descriptor and flush them to the disk."""
    if callable(data):
        with os.fdopen(os.dup(fd), "wb", buffering=1 << 20) as stream:
            data(stream)
    else:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    os.fsync(fd)


#: What a file of a set is made of: its bytes, or a function that writes them to a binary stream.
Content = Union[bytes, Callable[[IO[bytes]], object]]


def _write_temporary(path: Path, data: Content) -> Path:
    """The data in a new temporary file beside ``path``, with the permissions of a normal file."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.kg-{os.getpid()}-", suffix=".tmp", dir=path.parent)
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)
        _write_file(fd, data)
    except BaseException:
        os.close(fd)
        Path(tmp).unlink(missing_ok=True)
        raise
    os.close(fd)
    return Path(tmp)


def write_all_atomic(outputs: dict[Path, Content]) -> list[Path]:
    """Write several files as one set: all to temporaries first, renamed into place only when every one is written.

    On any failure (disk full, unwritable directory) the temporaries are removed and the previous
    files stay as they were.
    """
    with OutputSet() as output:
        for path, data in outputs.items():
            output.file(Path(path), data)
        return output.commit()


def _cannot_write(path: Path | None, err: OSError) -> GraphError:
    return GraphError(f"{path}: cannot write ({err.strerror or err}); free space or choose another output path")


class OutputSet:
    """Files and directories written under temporary names beside their targets, put in place by ``commit``.

    Use it in a ``with`` block: leaving it without ``commit`` (an error, a full disk, an
    interrupt) removes every temporary, so the previous outputs stay as they were. ``scratch``
    gives anonymous temporary files (gone when closed or when the process dies) for data spilled
    on the way, such as sorted runs.
    """

    def __init__(self) -> None:
        self._files: dict[Path, Path] = {}
        self._directories: dict[Path, Path] = {}
        self._scratch: list[IO[bytes]] = []
        self._scratch_directories: list[Path] = []

    def __enter__(self) -> "OutputSet":
        return self

    def __exit__(self, *exc) -> None:
        for stream in self._scratch:
            stream.close()
        for tmp in self._files.values():
            tmp.unlink(missing_ok=True)
        for tmp in [*self._directories.values(), *self._scratch_directories]:
            shutil.rmtree(tmp, ignore_errors=True)

    def file(self, path: Path, data: Content) -> Path:
        """Write ``path``'s new content to a temporary beside it; return the temporary's path."""
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._files[path] = _write_temporary(path, data)
        except OSError as err:
            raise _cannot_write(path, err) from None
        return self._files[path]

    def directory(self, path: Path, fill: Callable[[Path], None]) -> Path:
        """Make ``path``'s new content with ``fill(directory)`` under a temporary name beside it; return that directory."""
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.kg-{os.getpid()}-", suffix=".tmp", dir=path.parent))
            self._directories[path] = tmp
            fill(tmp)
        except OSError as err:
            raise _cannot_write(path, err) from None
        return tmp

    def scratch_directory(self, parent: Path, fill: Callable[[Path], None]) -> Path:
        """A temporary directory in ``parent`` made by ``fill(directory)`` and removed when the set ends, never committed."""
        try:
            tmp = Path(tempfile.mkdtemp(prefix=f".scratch.kg-{os.getpid()}-", suffix=".tmp", dir=parent))
            self._scratch_directories.append(tmp)
            fill(tmp)
        except OSError as err:
            raise _cannot_write(parent, err) from None
        return tmp

    def scratch(self, directory: Path) -> IO[bytes]:
        """An anonymous temporary file in ``directory``, deleted when closed (at the latest when the set ends)."""
        try:
            stream = tempfile.TemporaryFile(dir=directory)
        except OSError as err:
            raise _cannot_write(directory, err) from None
        self._scratch.append(stream)
        return stream

    def commit(self) -> list[Path]:
        """Rename the files into place, then the directories (each previous one moved aside, then deleted)."""
        current: Path | None = None
        try:
            for current, tmp in self._files.items():
                os.replace(tmp, current)
            for current, tmp in self._directories.items():
                _replace_directory(current, tmp)
        except OSError as err:
            raise _cannot_write(current, err) from None
        done = [*self._files, *self._directories]
        self._files, self._directories = {}, {}
        return done


def write_atomic(path: Path, data: bytes) -> None:
    """Write bytes to path via a temporary file in the same directory and an atomic rename."""
    write_all_atomic({Path(path): data})


def remove_stale_temporaries(directory: Path) -> list[Path]:
    """Delete kg's temporaries left in ``directory`` by processes that no longer run (killed builds)."""
    removed = []
    for path in Path(directory).glob(".*.tmp"):
        match = TEMPORARY.match(path.name)
        if match and not _process_alive(int(match[1])):
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
            removed.append(path)
    return removed


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, owned by someone else
        return True
    return True


LOCK_NAME = ".kg-build.lock"


@contextmanager
def output_lock(out_dir: Path) -> Iterator[None]:
    """Hold the output directory's lock file (flock, never waits): one build writes to a directory at a time."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(out_dir / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o666)
    except OSError as err:
        raise GraphError(f"{out_dir}: cannot write ({err.strerror}); check the directory or choose another --out") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise KGError(f"another kg build is writing to {out_dir}; wait for it to finish or choose another --out") from None
        yield
    finally:
        os.close(fd)  # closing releases the lock; the file stays, so that no two builds lock different files


def write_new(path: Path, data: bytes) -> Path:
    """Write ``data`` to a new file ``path`` atomically; never replace an existing file.

    The data goes to a temporary in the same directory, which is then hard-linked to ``path``
    (a link, unlike a rename, fails when ``path`` exists). Raises ``FileExistsError`` when a file
    of that name appeared meanwhile, ``OSError`` when the directory cannot be written.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _write_temporary(path, data)
    try:
        os.link(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def remove_files(paths: list[Path]) -> None:
    """Delete files (missing ones are fine), then the directories they leave empty."""
    parents = set()
    for path in paths:
        Path(path).unlink(missing_ok=True)
        parents.add(Path(path).parent)
    for parent in sorted(parents, reverse=True):
        try:
            parent.rmdir()
        except OSError:  # not empty, or gone
            pass


def _replace_directory(target: Path, tmp: Path) -> Path:
    """Put the directory ``tmp`` in ``target``'s place; the previous ``target`` is deleted once it is."""
    old = None
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}.kg-{os.getpid()}-", suffix=".tmp", dir=target.parent))
        os.replace(target, old / target.name)
    os.replace(tmp, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return target
