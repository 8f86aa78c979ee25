"""Limits and switches of a grading run, with defaults that fit every notebook of the course."""

from __future__ import annotations

import os
from dataclasses import dataclass, field


@dataclass(frozen=True)
class GradingSettings:
    """What one grading run may spend per submission, and how the kernel is started.

    The defaults fit the heaviest notebooks (TensorFlow and PyTorch, 30-90 s in fast mode).
    The time and memory fields have command-line options of the same name (`--cell-timeout`, ...).
    """

    jobs: int = 1
    cell_timeout: float = 300.0
    notebook_timeout: float = 900.0
    memory_limit_mb: int = 6144          # resident memory of a sandbox's processes (watchdog)
    max_output_bytes: int = 1_000_000    # output kept per cell
    max_notebook_output_bytes: int = 8_000_000   # output kept per notebook, records aside
    max_record_bytes: int = 4_000_000    # grading records kept per notebook (the course's largest notebook: 60 kB)
    max_message_bytes: int = 2_000_000   # one part of a kernel message; a larger one is dropped unread
    scratch_mb: int = 512                # the sandbox's home folder (tmpfs); /tmp 128 MiB, /dev/shm 64 MiB
    max_file_mb: int = 256               # RLIMIT_FSIZE: largest file a kernel may write
    max_processes: int = 512             # RLIMIT_NPROC of a sandbox's own uid (threads count too)
    stop_grace_s: float = 2.0            # a kernel stopped (SIGSTOP, ptrace) this long is killed
    worker_grace_s: float = 300.0        # beyond notebook_timeout: kernel starts and shutdown, then a worker is stuck
    sandboxed: bool = True               # False only with --no-sandbox (trusted submissions)
    fast_mode_variable: str = "DLCOURSE_FAST"
    kernel_name: str = "python3"
    threads_per_kernel: int = 0
    passthrough_env: tuple[str, ...] = field(default=("CUDA_VISIBLE_DEVICES", "NVIDIA_VISIBLE_DEVICES", "TZ"))

    def kernel_threads(self) -> int:
        """Threads each kernel's BLAS/OpenMP may use: the cores shared out among the workers."""
        if self.threads_per_kernel > 0:
            return self.threads_per_kernel
        return max(1, (os.cpu_count() or 1) // max(1, self.jobs))
