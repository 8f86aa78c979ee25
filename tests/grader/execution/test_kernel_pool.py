"""Sandboxed kernels: started ahead in their own sandbox, used once, leaving nothing behind."""

import asyncio

import psutil


def run_code(kernel, code: str) -> str:
    async def go() -> str:
        client = kernel.km.client()
        client.start_channels()
        try:
            await client.wait_for_ready(timeout=60)
            seen = []
            reply = await client.execute_interactive(code, timeout=60, output_hook=lambda msg: seen.append(
                msg["content"].get("text", "")))
            assert reply["content"]["status"] == "ok"
            return "".join(seen)
        finally:
            client.stop_channels()
    return asyncio.run(go())


def test_spare_kernel_runs_sandboxed_and_is_handed_out_once(pool, tmp_path):
    pool.refill()
    kernel = pool.take()
    try:
        assert run_code(kernel, "import os; print(os.getcwd(), os.environ['DLCOURSE_GRADING_SEED'])").split() == [
            "/home/student", "abc"]
        assert kernel.km.ip.startswith("/proc/") and kernel.km.kernel_pid is not None
        assert pool._spare is None  # nothing refilled: the next take starts a kernel of its own
    finally:
        launcher = kernel.km.provisioner.process.pid
        kernel.discard()
    assert not psutil.pid_exists(launcher) or psutil.Process(launcher).status() == psutil.STATUS_ZOMBIE
    assert not kernel.sandbox.folder.exists()


def test_close_stops_the_spare_and_removes_its_files(pool, tmp_path):
    pool.refill()
    process = pool._spare.result().km.provisioner.process
    pool.close()
    assert process.poll() is not None
    assert list((tmp_path / "kernels").iterdir()) == []


def test_kernel_started_in_the_background_survives_its_starting_thread(pool):
    pool.refill()
    kernel = pool.take()  # started in the launcher thread, which lives on
    try:
        assert run_code(kernel, "print(6 * 7)").strip() == "42"
    finally:
        kernel.discard()
