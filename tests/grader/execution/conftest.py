"""A pool of sandboxed kernels with the default settings, closed after each test."""

import pytest

from autograder.execution.kernel_pool import KernelPool, KernelRecipe
from autograder.execution.settings import GradingSettings


@pytest.fixture
def pool(tmp_path):
    pool = KernelPool(KernelRecipe(GradingSettings(), tmp_path, seed="abc"))
    yield pool
    pool.close()
