"""Sentence vectors on disk: append-only shards, searched exactly while small, by IVF-PQ when large.

A write appends one shard file (`vectors/<n>.f16`: the vectors of the sentence ids first ..
first + count - 1, in order, as float16) and never rewrites an existing one, so an upload of one
article writes only its own vectors. Opening an index reads no vector, and a question reads only
the vectors it touches.

Search (`ShardSet.search`) is exact over the shards no approximate index covers yet (they are
small: at most `VectorSettings.segment` vectors before they are encoded into one), and approximate
over the rest: IVF-PQ segments that share one trained quantizer (`vectors/template-<n>.faiss`),
each covering a run of shards, whose best `rerank` hits (at least k) are scored again exactly from
the shards.
The cost of a question follows k and the probed lists, not the size of the archive.

Shard rows are read with pread (a run of consecutive rows at a time), not through memory maps: a
mapped page stays in the process's resident memory once touched (the kernel also maps its
neighbours), so rerank reads scattered over a 1M-sentence archive made the whole shard files
resident (about 0.9 GB after 100 questions). Read rows land in the page cache, which the kernel
shares and reclaims, and the process keeps only the copy it asked for.
"""
from __future__ import annotations

import io
import os
import threading
from collections import OrderedDict
from dataclasses import dataclass, replace
from pathlib import Path

import faiss
import numpy as np

FOLDER = "vectors"


@dataclass(frozen=True)
class VectorSettings:
    """When and how the approximate index is built (none of it changes an exact search)."""

    exact_up_to: int = 100_000   # vectors below which every search is exact
    segment: int = 50_000        # shards not yet covered are encoded into a segment past this many vectors
    merge_at: int = 8            # segments merged into one when there are more than this many
    nlist: int = 1024            # IVF lists of the trained quantizer
    pq_bytes: int = 64           # PQ code size per vector (dim must divide by it) ...
    # ... 64 bytes, not 48: a finer code ranks the true top hits higher, so fewer lists are probed
    # and fewer hits read again. On the 1M benchmark archive (bench/scale.py, k 50): 48-byte codes
    # need 128 lists and 1,500 re-scored rows for recall@50 0.958 (64 lists: 0.950); 64-byte codes
    # reach 0.965 with 64 lists and 700 rows, FAISS's scan 1.7 ms against 2.6 and half the reads
    # (96-byte codes: 0.967 with 64 lists and 400 rows, but 2,002 bytes of disk a sentence).
    # The codes take 16 bytes a sentence more on disk and in memory (1,968 B a sentence at 1M).
    train_size: int = 100_000    # vectors the quantizer is trained on (a sample of the archive)
    nprobe: int = 64             # lists probed per question, at most ...
    # ... and fewer in a segment so large that they would hold more than `scanned` vectors (but
    # never fewer than nprobe_min): 61 at 5M sentences.
    scanned: int = 300_000
    nprobe_min: int = 16
    rerank: int = 700            # approximate hits scored again exactly (at least k) ...
    # ... and at least this many per million vectors a segment holds: PQ's error on a score is
    # the same at any size, so the vectors within it of the k-th best grow with the archive
    # (5M, 61 lists: recall@50 0.930 at 1,500, 0.963 at 2,500, 0.971 at 3,000, 0.977 at 3,500).
    rerank_per_million: int = 600
    # A segment of coarser codes than `pq_bytes` (an index whose quantizer was trained when codes
    # were 48 bytes keeps them: the quantizer is trained once) is searched as it was tuned, with
    # more lists and more hits scored again. At 5M sentences 128 of its lists cost 13-35 ms, 64
    # half that, for recall@50 0.964 -> 0.959 (rerank 5,000): what holds recall there is the
    # rerank, not the lists (5M: 0.822 at 1,500, 0.967 at 6,000 with 61 lists).
    coarse_nprobe: int = 128
    coarse_rerank: int = 1500
    coarse_rerank_per_million: int = 1200

    def for_code(self, code_size: int) -> "VectorSettings":
        """The settings a segment of codes of this many bytes is searched with."""
        if code_size >= self.pq_bytes:
            return self
        return replace(self, nprobe=self.coarse_nprobe, rerank=self.coarse_rerank,
                       rerank_per_million=self.coarse_rerank_per_million)

    def probes(self, vectors: int, lists: int) -> int:
        """Lists to probe in a segment of this many vectors in this many lists."""
        budget = self.scanned * lists // max(1, vectors)
        return max(1, min(self.nprobe, lists, max(self.nprobe_min, budget)))

    def reranked(self, vectors: int, k: int) -> int:
        """Approximate hits of a segment of this many vectors scored again exactly."""
        return max(k, self.rerank, vectors * self.rerank_per_million // 1_000_000)


DEFAULT = VectorSettings()


@dataclass(frozen=True)
class Shard:
    number: int
    first: int     # sentence id of its first vector
    count: int


@dataclass(frozen=True)
class Segment:
    name: str      # file name in the vectors folder
    upto: int      # covers every shard numbered <= upto (and above the previous segment's upto)


def folder_of(index_dir: Path) -> Path:
    return Path(index_dir) / FOLDER


def shard_path(index_dir: Path, number: int) -> Path:
    return folder_of(index_dir) / f"{number:08d}.f16"


def write_shard(index_dir: Path, number: int, vectors: np.ndarray) -> Path:
    """Write one shard file, whole or not at all (a temporary name, fsync, rename)."""
    path = shard_path(index_dir, number)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    with open(partial, "wb") as f:
        f.write(np.ascontiguousarray(vectors, dtype=np.float16).tobytes())
        f.flush()
        os.fsync(f.fileno())
    os.replace(partial, path)
    return path


# -- caches shared by every snapshot: shard and segment files never change once written --------
_lock = threading.Lock()
_files: OrderedDict[Path, io.FileIO] = OrderedDict()   # open shard files (closed when dropped and unused)
_dense: OrderedDict[Path, np.ndarray] = OrderedDict()
_segments: OrderedDict[Path, faiss.Index] = OrderedDict()
FILES_OPEN = 256     # shard files kept open (a descriptor each)
DENSE_KEPT = 256     # small tail shards kept as float32 for exact search
SEGMENTS_KEPT = 64   # IVF-PQ segments kept loaded


def _cached(cache: OrderedDict, key: Path, make, keep: int):
    with _lock:
        found = cache.get(key)
        if found is not None:
            cache.move_to_end(key)
            return found
    made = make()
    with _lock:
        cache[key] = made
        while len(cache) > keep:
            cache.popitem(last=False)
    return made


def _file(path: Path) -> io.FileIO:
    """The shard file, open for reading (a reader holding it keeps it open after it leaves the cache)."""
    return _cached(_files, path, lambda: io.FileIO(path, "r"), FILES_OPEN)


def read_rows(path: Path, dim: int, offsets: np.ndarray) -> np.ndarray:
    """Rows `offsets` (sorted, unique) of one shard file, as float16 (len(offsets), dim), read-only:
    each run of consecutive rows is one pread. KeyError when a row is past the file's end."""
    if not len(offsets):
        return np.empty((0, dim), dtype=np.float16)
    width = dim * 2
    breaks = np.flatnonzero(np.diff(offsets) != 1) + 1
    starts = np.concatenate(([0], breaks))
    counts = (np.concatenate((breaks, [len(offsets)])) - starts) * width
    file = _file(path)   # held while reading: a file dropped from the cache closes when unused
    fd, pread = file.fileno(), os.pread
    data = b"".join([pread(fd, count, at) for count, at in zip(counts.tolist(), (offsets[starts] * width).tolist())])
    if len(data) != len(offsets) * width:
        raise KeyError(f"{path}: row {int(offsets[-1])} is past its end")
    return np.frombuffer(data, dtype=np.float16).reshape(-1, dim)


def read_block(path: Path, dim: int, first: int, count: int) -> np.ndarray:
    """Rows first..first+count-1 of one shard file, as float32 (a sequential read, no lasting map)."""
    rows = np.fromfile(path, dtype=np.float16, count=count * dim, offset=first * dim * 2)
    if len(rows) != count * dim:
        raise KeyError(f"{path}: row {first + count - 1} is past its end")
    return rows.reshape(count, dim).astype(np.float32)


def _dense_of(path: Path, dim: int, count: int) -> np.ndarray:
    """A small shard as float32 in memory, for exact search (only shards no segment covers)."""
    return _cached(_dense, path, lambda: read_block(path, dim, 0, count), DENSE_KEPT)


def _segment(path: Path) -> faiss.Index:
    return _cached(_segments, path, lambda: faiss.read_index(str(path)), SEGMENTS_KEPT)


class ShardSet:
    """The vectors of one generation of the index: its shards and the segments that cover them."""

    def __init__(self, index_dir: Path, dim: int, shards: list[Shard], segments: list[Segment],
                 settings: VectorSettings = DEFAULT):
        self.index_dir = Path(index_dir)
        self.dim = dim
        self.shards = sorted(shards, key=lambda s: s.first)
        self.segments = sorted(segments, key=lambda s: s.upto)
        self.settings = settings
        self._firsts = [s.first for s in self.shards]
        self._starts = np.asarray(self._firsts, dtype=np.int64)
        self._paths = [shard_path(self.index_dir, s.number) for s in self.shards]   # built once, not per read
        covered = self.segments[-1].upto if self.segments else -1
        self.tail = [s for s in self.shards if s.number > covered]

    def damage(self) -> str | None:
        """What makes these vectors unreadable, read off the files' sizes (a shard or segment file
        missing, a shard shorter than its rows), or None."""
        for shard, path in zip(self.shards, self._paths):
            if not path.is_file():
                return f"vectors/{path.name} is missing"
            if path.stat().st_size < shard.count * self.dim * 2:
                return f"vectors/{path.name} is cut short"
        for segment in self.segments:
            if not (folder_of(self.index_dir) / segment.name).is_file():
                return f"vectors/{segment.name} is missing"
        return None

    @property
    def end(self) -> int:
        """One past the highest sentence id any shard holds."""
        return max((s.first + s.count for s in self.shards), default=0)

    @property
    def total(self) -> int:
        """Vectors in the shards (a removed sentence's stay, never found, until `ingest --rebuild`)."""
        return sum(s.count for s in self.shards)

    def vectors(self, sentence_ids) -> np.ndarray:
        """The vectors of these sentence ids (float32, in order); KeyError for an id no shard holds."""
        return self.rows(sentence_ids).astype(np.float32)

    def rows(self, sentence_ids) -> np.ndarray:
        """The vectors of these sentence ids as stored (float16, in order); KeyError for an id no
        shard holds."""
        ids = np.asarray(sentence_ids, dtype=np.int64).reshape(-1)
        if not len(ids):
            return np.zeros((0, self.dim), dtype=np.float16)
        increasing = bool(np.all(ids[1:] > ids[:-1]))   # sorted and unique (a search's hits): read as they are
        order = None if increasing else np.argsort(ids, kind="stable")
        wanted = ids if order is None else ids[order]   # read in file order: each shard's rows one run
        at = np.searchsorted(self._starts, wanted, side="right") - 1
        bounds = np.flatnonzero(np.diff(at)) + 1
        parts = []
        for start, end in zip([0, *bounds.tolist()], [*bounds.tolist(), len(wanted)]):
            shard_at = int(at[start])
            shard = self.shards[shard_at] if shard_at >= 0 else None
            offsets = wanted[start:end] - (shard.first if shard else 0)
            if shard is None or offsets[-1] >= shard.count:
                raise KeyError(int(wanted[start:end][offsets >= (shard.count if shard else 0)][0]))
            if increasing:
                parts.append(read_rows(self._paths[shard_at], self.dim, offsets))
                continue
            unique, back = np.unique(offsets, return_inverse=True)   # each row read once
            rows = read_rows(self._paths[shard_at], self.dim, unique)
            parts.append(rows if len(unique) == end - start else rows[back.reshape(-1)])
        out = parts[0] if len(parts) == 1 else np.concatenate(parts)
        if order is not None:
            placed = np.empty_like(out)
            placed[order] = out
            out = placed
        return out

    def search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Inner-product top k over every vector: (scores, sentence_ids), each (queries, k), -1
        where fewer exist. Exact over the tail, approximate then re-scored over the segments."""
        queries = np.ascontiguousarray(queries, dtype=np.float32).reshape(-1, self.dim)
        n = len(queries)
        pools_ids: list[list[np.ndarray]] = [[] for _ in range(n)]
        pools_scores: list[list[np.ndarray]] = [[] for _ in range(n)]
        for shard in self.tail:
            if not shard.count:
                continue
            matrix = _dense_of(shard_path(self.index_dir, shard.number), self.dim, shard.count)
            scores = queries @ matrix.T
            take = min(k, shard.count)
            best = np.argpartition(-scores, take - 1, axis=1)[:, :take]
            for i in range(n):
                pools_ids[i].append(best[i] + shard.first)
                pools_scores[i].append(scores[i, best[i]])
        if self.segments:
            found = []
            for segment in self.segments:
                index = _segment(folder_of(self.index_dir) / segment.name)
                settings = self.settings.for_code(index.code_size)
                probe = faiss.SearchParametersIVF(nprobe=settings.probes(index.ntotal, index.nlist))
                wanted = settings.reranked(index.ntotal, k)
                found.append(index.search(queries, wanted, params=probe)[1])
            for i in range(n):
                ids = np.unique(np.concatenate([f[i] for f in found]))
                ids = ids[ids >= 0]
                if len(ids):
                    pools_ids[i].append(ids)
                    # einsum, not `@`: 1,500 x 384 is past OpenBLAS's threading threshold, and its
                    # second thread, woken for it, spins on the other core afterwards (bench/scale at
                    # 1M: ask p50 87-132 ms with `@`, 39-40 ms with einsum, as with OPENBLAS_NUM_THREADS=1).
                    # Products of the stored float16 rows, cast to float32 a block at a time inside
                    # einsum (the same scores, bit for bit, as casting the rows first, in half the time).
                    pools_scores[i].append(np.einsum("ij,j->i", self.rows(ids), queries[i], dtype=np.float32))
        scores_out = np.full((n, k), -np.inf, dtype=np.float32)
        ids_out = np.full((n, k), -1, dtype=np.int64)
        for i in range(n):
            if not pools_ids[i]:
                continue
            ids = np.concatenate(pools_ids[i])
            scores = np.concatenate(pools_scores[i]).astype(np.float32)
            order = np.lexsort((ids, -scores))[:k]
            scores_out[i, :len(order)] = scores[order]
            ids_out[i, :len(order)] = ids[order]
        return scores_out, ids_out

    def exact_search(self, queries: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """The same top k by brute force over every shard (to measure the approximate search)."""
        queries = np.ascontiguousarray(queries, dtype=np.float32).reshape(-1, self.dim)
        best_scores = np.full((len(queries), 0), -np.inf, np.float32)
        best_ids = np.zeros((len(queries), 0), np.int64)
        for shard in self.shards:
            if not shard.count:
                continue
            path = shard_path(self.index_dir, shard.number)
            for at in range(0, shard.count, 65536):
                block = read_block(path, self.dim, at, min(65536, shard.count - at))
                scores = np.concatenate([best_scores, queries @ block.T], axis=1)
                ids = np.concatenate([best_ids, np.broadcast_to(np.arange(at, at + len(block)) + shard.first,
                                                                (len(queries), len(block)))], axis=1)
                order = np.argsort(-scores, axis=1, kind="stable")[:, :k]
                best_scores = np.take_along_axis(scores, order, 1)
                best_ids = np.take_along_axis(ids, order, 1)
        return best_scores, best_ids


# -- building segments (by the writer) -------------------------------------------------------------

def _shard_rows(index_dir: Path, shards: list[Shard], dim: int, block: int = 65536):
    """(sentence ids, float32 vectors) of these shards, a block at a time."""
    for shard in shards:
        path = shard_path(index_dir, shard.number)
        for at in range(0, shard.count, block):
            rows = read_block(path, dim, at, min(block, shard.count - at))
            yield np.arange(at, at + len(rows), dtype=np.int64) + shard.first, rows


def train_template(index_dir: Path, name: str, shards: list[Shard], dim: int,
                   settings: VectorSettings = DEFAULT) -> Path:
    """Train the IVF-PQ quantizer once, on an even sample of the shards' vectors."""
    total = sum(s.count for s in shards)
    step = max(1, total // settings.train_size)
    sample = np.concatenate([rows[::step] for _, rows in _shard_rows(index_dir, shards, dim)])[:settings.train_size]
    nlist = min(settings.nlist, max(1, len(sample) // 39))
    quantizer = faiss.IndexFlatIP(dim)
    ivf = faiss.IndexIVFPQ(quantizer, dim, nlist, settings.pq_bytes, 8, faiss.METRIC_INNER_PRODUCT)
    ivf.train(np.ascontiguousarray(sample))
    path = folder_of(index_dir) / name
    _write_index(ivf, path)
    return path


def write_segment(index_dir: Path, name: str, template: str, shards: list[Shard], dim: int,
                  sources: list[Segment] = ()) -> Path:
    """A segment covering these shards, and holding these earlier segments' lists (merged, not
    encoded again), encoded with the template. An IVF index keeps each vector's id in its lists."""
    folder = folder_of(index_dir)
    index = faiss.read_index(str(folder / template))
    for segment in sources:
        index.merge_from(faiss.read_index(str(folder / segment.name)), 0)
    for ids, rows in _shard_rows(index_dir, shards, dim):
        index.add_with_ids(rows, ids)
    path = folder / name
    _write_index(index, path)
    return path


def _write_index(index: faiss.Index, path: Path) -> None:
    partial = path.with_name(path.name + ".partial")
    faiss.write_index(index, str(partial))
    with open(partial, "rb") as f:
        os.fsync(f.fileno())
    os.replace(partial, path)
