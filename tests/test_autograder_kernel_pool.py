"""The spare kernel of a worker: started ahead, used once, cleaned up."""

from autograder.guard import install_source
from autograder.kernel_pool import KernelPool, discard
from autograder.settings import GradingSettings


def test_spare_kernel_runs_in_its_own_sandbox_and_is_handed_out_once():
    pool = KernelPool(GradingSettings(), None, None)
    try:
        pool.refill()
        sandbox, km, guarded = pool.take()
        assert km.has_kernel and sandbox.path.is_dir() and not guarded
        assert pool.take() is None  # nothing refilled yet: the caller starts its own kernel
    finally:
        discard(sandbox, km)
    assert not sandbox.path.exists()


def test_close_stops_the_spare_and_removes_its_sandbox():
    pool = KernelPool(GradingSettings(), None, None)
    pool.refill()
    pool._thread.join()
    sandbox, km, _ = pool._spare
    pool.close()
    assert not sandbox.path.exists()
    assert pool.take() is None


def test_spare_kernel_gets_the_guard_installed_before_anyone_uses_it():
    pool = KernelPool(GradingSettings(), None, None, guard_source=install_source([]))
    pool.refill()
    sandbox, km, guarded = pool.take()
    try:
        assert guarded
    finally:
        discard(sandbox, km)
