"""Limits and switches of a grading run, with defaults that fit every notebook of the course."""

from __future__ import annotations

import os
from dataclasses import dataclass, field


@dataclass(frozen=True)
class GradingSettings:
    """What one grading run may spend per submission, and how the kernel is started.

    The defaults fit the heaviest notebooks (TensorFlow and PyTorch, 30-90 s in fast mode).
    Every field has a command-line option of the same name (`--cell-timeout`, ...).
    """

    jobs: int = 1
    cell_timeout: float = 300.0
    notebook_timeout: float = 900.0
    memory_limit_mb: int = 6144
    max_output_bytes: int = 1_000_000
    fast_mode_variable: str = "DLCOURSE_FAST"
    kernel_name: str = "python3"
    threads_per_kernel: int = 0
    passthrough_env: tuple[str, ...] = field(default=(
        "DLCOURSE_DATA", "CUDA_VISIBLE_DEVICES", "LD_LIBRARY_PATH", "NVIDIA_VISIBLE_DEVICES", "TZ",
    ))

    def kernel_threads(self) -> int:
        """Threads each kernel's BLAS/OpenMP may use: the cores shared out among the workers."""
        if self.threads_per_kernel > 0:
            return self.threads_per_kernel
        return max(1, (os.cpu_count() or 1) // max(1, self.jobs))
