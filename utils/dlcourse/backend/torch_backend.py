"""PyTorch side of the framework seam; parallel, name for name, to ``tf_backend``.

A process that needs both frameworks must load Triton (through ``torch._dynamo``) before
TensorFlow, or hide it; ``tf_backend`` and this module each take care of that on import.
Images enter as float32 arrays (N, 28, 28, 1) or (N, 1, 28, 28) in [0, 1]; labels as int arrays (N,).

Introduced in 07_keras_vs_pytorch.
"""

from __future__ import annotations

import copy
import sys
import time
from typing import Callable

import numpy as np

if "tensorflow" in sys.modules and "triton" not in sys.modules:
    # Triton's native library clashes with TensorFlow's when it is loaded after it (a segfault in
    # the first optimizer step). This course never compiles Triton kernels, so hide it from torch.
    sys.modules["triton"] = None
import torch  # noqa: E402
from torch import nn  # noqa: E402

FRAMEWORK = "PyTorch"
ADAM_EPSILON = 1e-7  # Keras's default; PyTorch's own is 1e-8


def detect_device() -> str:
    """'cuda' when PyTorch sees a CUDA GPU (Colab with a GPU runtime), otherwise 'cpu'."""
    return "cuda" if torch.cuda.is_available() else "cpu"


def set_seed(seed: int) -> None:
    """Seed PyTorch's generators (CPU and every GPU)."""
    torch.manual_seed(seed)


def set_threads(n_threads: int) -> None:
    """Use ``n_threads`` threads inside each operation and one between operations."""
    torch.set_num_threads(n_threads)
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError:  # only settable before the first parallel operation
        pass


def build_cnn(padding: str = "valid", dense_units: int = 64) -> nn.Module:
    """Conv 32 5x5 ReLU, MaxPool 2, Conv 64 5x5 ReLU, MaxPool 2, Flatten, Dense ReLU, Dense 10.

    Args:
        padding: 'valid' (notebook 07: 118,346 parameters with dense_units=64) or
            'same' (notebook 08's paper network with dense_units=1000).
    Returns:
        An ``nn.Sequential`` mapping (N, 1, 28, 28) to logits (N, 10), on ``detect_device()``, where
        ``to_inputs`` puts the data by default.
    """
    side = 4 if padding == "valid" else 7
    pad = 0 if padding == "valid" else 2
    return nn.Sequential(
        nn.Conv2d(1, 32, 5, padding=pad), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 5, padding=pad), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(64 * side * side, dense_units), nn.ReLU(), nn.Linear(dense_units, 10),
    ).to(detect_device())


def count_parameters(model: nn.Module) -> int:
    """Number of trainable parameters."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def describe_layers(model: nn.Module, input_shape: tuple[int, int, int] = (1, 28, 28)) -> list[dict]:
    """Framework-neutral layer list for FLOP counting (``dlcourse.bench.count_flops``).

    Returns:
        One dict per layer: kind ('conv2d', 'maxpool2d', 'dense', 'relu', 'flatten', 'other'),
        input and output shapes (C, H, W) or (features,), kernel (kh, kw) and activation.
    """
    kinds = {nn.Conv2d: "conv2d", nn.MaxPool2d: "maxpool2d", nn.Linear: "dense", nn.ReLU: "relu", nn.Flatten: "flatten"}
    layers, hooks = [], []

    def record(module, inputs, output):
        kernel = getattr(module, "kernel_size", None)
        layers.append({"kind": kinds.get(type(module), "other"), "input": tuple(inputs[0].shape[1:]),
                       "output": tuple(output.shape[1:]), "activation": None,
                       "kernel": (kernel, kernel) if isinstance(kernel, int) else kernel})

    for module in model.modules():
        if not list(module.children()):
            hooks.append(module.register_forward_hook(record))
    device = next(model.parameters()).device
    with torch.no_grad():
        model(torch.zeros((1, *input_shape), device=device))
    for hook in hooks:
        hook.remove()
    return layers


def to_inputs(images: np.ndarray, device: str | None = None) -> torch.Tensor:
    """float32 tensor (N, 1, 28, 28) on ``device`` from images (N, 28, 28, 1) or (N, 1, 28, 28)."""
    array = np.asarray(images, dtype=np.float32)
    if array.ndim == 4 and array.shape[-1] == 1:
        array = np.transpose(array, (0, 3, 1, 2))
    return torch.from_numpy(np.ascontiguousarray(array)).to(device or detect_device())


def train_epochs(model: nn.Module, x, y, epochs: int = 1, batch_size: int = 32, learning_rate: float = 1e-3,
                 max_steps: int | None = None, progress: bool = False,
                 on_epoch_end: Callable[[int], None] | None = None) -> dict:
    """Train with Adam and cross-entropy, reshuffling in memory every epoch.

    Adam uses Keras's epsilon (1e-7, PyTorch's default is 1e-8), so that both frameworks run the
    same optimiser settings; PyTorch still adds epsilon after the bias correction, Keras before it.

    Args:
        x: images (see ``to_inputs``); y: int labels (N,).
        max_steps: stop after this many batches in total (warm-up runs).
        progress: show a tqdm bar per epoch.
        on_epoch_end: called with the epoch's index (from 0) after each epoch, e.g. to evaluate.
    Returns:
        {'loss': mean training loss per epoch, 'steps': batches run, 'seconds': wall time}.
    """
    device = next(model.parameters()).device
    x = x if isinstance(x, torch.Tensor) else to_inputs(x, device)
    y = torch.as_tensor(np.asarray(y), dtype=torch.long, device=device) if not isinstance(y, torch.Tensor) else y
    optimizer = torch.optim.Adam(model.parameters(), lr=learning_rate, eps=ADAM_EPSILON)
    loss_fn, history, steps, start = nn.CrossEntropyLoss(), [], 0, time.perf_counter()
    model.train()
    for epoch in range(epochs):
        order = torch.randperm(len(x), device=device)
        batches = range(0, len(x), batch_size)
        if progress:
            from tqdm.auto import tqdm
            batches = tqdm(batches, desc=f"{FRAMEWORK} epoch {epoch + 1}/{epochs}", leave=False)
        total, seen = torch.zeros((), device=device), 0
        for begin in batches:
            index = order[begin:begin + batch_size]
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(model(x[index]), y[index])
            loss.backward()
            optimizer.step()
            total += loss.detach() * len(index)
            seen += len(index)
            steps += 1
            if max_steps is not None and steps >= max_steps:
                break
        history.append(float(total) / max(seen, 1))
        if max_steps is not None and steps >= max_steps:
            break
        if on_epoch_end is not None:
            on_epoch_end(epoch)
            model.train()  # the callback may have evaluated the model
    synchronize()
    return {"loss": history, "steps": steps, "seconds": time.perf_counter() - start}


def evaluate(model: nn.Module, x, y, batch_size: int = 1000) -> tuple[float, float]:
    """Mean cross-entropy and accuracy on (x, y), in eval mode and without gradients."""
    device = next(model.parameters()).device
    x = x if isinstance(x, torch.Tensor) else to_inputs(x, device)
    y = torch.as_tensor(np.asarray(y), dtype=torch.long, device=device) if not isinstance(y, torch.Tensor) else y
    model.eval()
    loss_sum, correct = 0.0, 0
    with torch.no_grad():
        for begin in range(0, len(x), batch_size):
            logits = model(x[begin:begin + batch_size])
            target = y[begin:begin + batch_size]
            loss_sum += float(nn.functional.cross_entropy(logits, target, reduction="sum"))
            correct += int((logits.argmax(dim=1) == target).sum())
    return loss_sum / len(x), correct / len(x)


def snapshot_weights(model: nn.Module) -> dict:
    """A deep copy of the model's weights, to undo a warm-up run."""
    return copy.deepcopy(model.state_dict())


def restore_weights(model: nn.Module, snapshot: dict) -> None:
    """Put back weights saved by ``snapshot_weights`` (train_epochs makes a fresh optimizer)."""
    model.load_state_dict(snapshot)


def export_weights(model: nn.Module) -> list[np.ndarray]:
    """The weights in the course's neutral layout, TensorFlow's: [kernel, bias] per layer, in order.

    Convolution kernels become (kh, kw, in, out); dense kernels (in, out). The first dense layer's
    rows are reordered from PyTorch's flattening order (channel, row, column) to Keras's
    (row, column, channel), so that the same weights compute the same function in both.
    """
    arrays, previous_channels = [], None
    for layer in _weighted_layers(model):
        weight = layer.weight.detach().cpu().numpy()
        if isinstance(layer, nn.Conv2d):
            kernel, previous_channels = weight.transpose(2, 3, 1, 0), weight.shape[0]
        elif previous_channels is not None:
            side = int(round((weight.shape[1] // previous_channels) ** 0.5))
            kernel = weight.reshape(-1, previous_channels, side, side).transpose(2, 3, 1, 0).reshape(-1, weight.shape[0])
            previous_channels = None
        else:
            kernel = weight.T
        arrays += [np.ascontiguousarray(kernel), layer.bias.detach().cpu().numpy().copy()]
    return arrays


def import_weights(model: nn.Module, arrays: list) -> None:
    """Set the weights from ``export_weights``'s layout (e.g. a Keras model's ``get_weights()``)."""
    arrays, previous_channels = [np.asarray(a, dtype=np.float32) for a in arrays], None
    with torch.no_grad():
        for layer, kernel, bias in zip(_weighted_layers(model), arrays[0::2], arrays[1::2]):
            if isinstance(layer, nn.Conv2d):
                weight, previous_channels = kernel.transpose(3, 2, 0, 1), kernel.shape[-1]
            elif previous_channels is not None:
                side = int(round((kernel.shape[0] // previous_channels) ** 0.5))
                weight = kernel.reshape(side, side, previous_channels, -1).transpose(3, 2, 0, 1).reshape(kernel.shape[1], -1)
                previous_channels = None
            else:
                weight = kernel.T
            layer.weight.copy_(torch.from_numpy(np.ascontiguousarray(weight)))
            layer.bias.copy_(torch.from_numpy(bias))


def _weighted_layers(model: nn.Module) -> list[nn.Module]:
    """The Conv2d and Linear layers of a ``build_cnn`` model, in the order they compute."""
    return [m for m in model.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]


def synchronize() -> None:
    """Wait until queued GPU work has finished (no-op on the CPU), so timings are honest."""
    if torch.cuda.is_available():
        torch.cuda.synchronize()


def reset_peak_device_memory() -> None:
    """Start a new peak for ``peak_device_memory`` (GPU only)."""
    if torch.cuda.is_available():
        torch.cuda.reset_peak_memory_stats()


def peak_device_memory() -> int | None:
    """Peak bytes held by PyTorch's GPU allocator since the last reset, or None on the CPU."""
    return int(torch.cuda.max_memory_allocated()) if torch.cuda.is_available() else None
