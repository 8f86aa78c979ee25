"""Wrong answers to notebook 06 that its hidden tests must reject."""

from tests.mutant_harness import Mutant

NOTEBOOK = "06_convolutions"

_PAD = "np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))"


def _conv_loops(pad: str = _PAD, top: str = "i * stride", left: str = "j * stride",
                value: str = "np.sum(window * w[f]) + b[f]", after: str = "") -> str:
    """conv2d_loops with one piece swapped for a mistake."""
    return (
        "def conv2d_loops(x, w, b, stride=1, padding=0):\n"
        "    n_images, _, height, width = x.shape\n"
        "    n_filters, _, kernel_h, kernel_w = w.shape\n"
        "    out_h = conv_output_size(height, kernel_h, stride, padding)\n"
        "    out_w = conv_output_size(width, kernel_w, stride, padding)\n"
        f"    x_padded = {pad}\n"
        "    out = np.zeros((n_images, n_filters, out_h, out_w))\n"
        "    for n in range(n_images):\n"
        "        for f in range(n_filters):\n"
        "            for i in range(out_h):\n"
        "                for j in range(out_w):\n"
        f"                    top, left = {top}, {left}\n"
        "                    window = x_padded[n, :, top:top + kernel_h, left:left + kernel_w]\n"
        f"                    out[n, f, i, j] = {value}\n"
        f"{after}"
        "    return out\n"
    )


def _im2col(pad: str = _PAD, slices: str = "u:u + stride * out_h:stride, v:v + stride * out_w:stride",
            layout: str = "(n_images, out_h, out_w, n_channels, kernel_h, kernel_w)",
            store: str = "patches[..., u, v] = shifted.transpose(0, 2, 3, 1)",
            final: str = "patches.reshape(n_images, out_h, out_w, n_channels * kernel_h * kernel_w)") -> str:
    """im2col with one piece swapped for a mistake."""
    return (
        "def im2col(x, kernel_h, kernel_w, stride=1, padding=0):\n"
        "    n_images, n_channels, height, width = x.shape\n"
        "    out_h = conv_output_size(height, kernel_h, stride, padding)\n"
        "    out_w = conv_output_size(width, kernel_w, stride, padding)\n"
        f"    x_padded = {pad}\n"
        f"    patches = np.empty({layout})\n"
        "    for u in range(kernel_h):\n"
        "        for v in range(kernel_w):\n"
        f"            shifted = x_padded[:, :, {slices}]\n"
        f"            {store}\n"
        f"    return {final}\n"
    )


def _conv_im2col(call: str = "im2col(x, kernel_h, kernel_w, stride, padding)",
                 filters: str = "w.reshape(n_filters, -1)",
                 finish: str = "(patches @ filters.T + b).transpose(0, 3, 1, 2)") -> str:
    """conv2d_im2col with one piece swapped for a mistake."""
    return (
        "def conv2d_im2col(x, w, b, stride=1, padding=0):\n"
        "    n_filters, _, kernel_h, kernel_w = w.shape\n"
        f"    patches = {call}\n"
        f"    filters = {filters}\n"
        f"    return {finish}\n"
    )


def _maxpool_backward(pick: str = "window.reshape(n_images, n_channels, -1).argmax(axis=2)",
                      where: str = "np.unravel_index(winner, (size, size))", op: str = "+=") -> str:
    """maxpool_backward with one piece swapped for a mistake."""
    return (
        "def maxpool_backward(dout, x, size=2, stride=2):\n"
        "    n_images, n_channels, out_h, out_w = dout.shape\n"
        "    dx = np.zeros(x.shape)\n"
        "    images, channels = np.indices((n_images, n_channels))\n"
        "    for i in range(out_h):\n"
        "        for j in range(out_w):\n"
        "            window = x[:, :, i * stride:i * stride + size, j * stride:j * stride + size]\n"
        f"            winner = {pick}\n"
        f"            rows, cols = {where}\n"
        f"            dx[images, channels, i * stride + rows, j * stride + cols] {op} dout[:, :, i, j]\n"
        "    return dx\n"
    )


def _conv_backward(weights_for_dx: str = "w[:, :, u, v]", crop: str = "padding:padding + height, padding:padding + width",
                   db: str = "dout.sum(axis=(0, 2, 3))", step: str = "stride", dw_scale: str = "") -> str:
    """conv2d_backward with one piece swapped for a mistake."""
    return (
        "def conv2d_backward(dout, x, w, stride=1, padding=0):\n"
        "    _, _, height, width = x.shape\n"
        "    _, _, kernel_h, kernel_w = w.shape\n"
        "    _, _, out_h, out_w = dout.shape\n"
        "    x_padded = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))\n"
        "    dx_padded = np.zeros(x_padded.shape)\n"
        "    dw = np.zeros(w.shape)\n"
        "    for u in range(kernel_h):\n"
        "        for v in range(kernel_w):\n"
        f"            rows = slice(u, u + {step} * out_h, {step})\n"
        f"            cols = slice(v, v + {step} * out_w, {step})\n"
        f"            dw[:, :, u, v] = np.einsum('nfij,ncij->fc', dout, x_padded[:, :, rows, cols]){dw_scale}\n"
        f"            dx_padded[:, :, rows, cols] += np.einsum('nfij,fc->ncij', dout, {weights_for_dx})\n"
        f"    dx = dx_padded[:, :, {crop}]\n"
        f"    db = {db}\n"
        "    return dx, dw, db\n"
    )


def _layer_output_shape(conv: str = "(layer['filters'], conv_output_size(height, layer['kernel'], layer['stride'], "
                                    "layer['padding']), conv_output_size(width, layer['kernel'], layer['stride'], "
                                    "layer['padding']))",
                        pool: str = "(channels, conv_output_size(height, layer['size'], layer['stride'], 0), "
                                    "conv_output_size(width, layer['size'], layer['stride'], 0))",
                        flatten: str = "(int(np.prod(shape)),)") -> str:
    """layer_output_shape with one piece swapped for a mistake."""
    return (
        "def layer_output_shape(shape, layer):\n"
        "    kind = layer['kind']\n"
        "    if kind == 'conv':\n"
        "        channels, height, width = shape\n"
        f"        return {conv}\n"
        "    if kind == 'pool':\n"
        "        channels, height, width = shape\n"
        f"        return {pool}\n"
        "    if kind == 'flatten':\n"
        f"        return {flatten}\n"
        "    if kind == 'dense':\n"
        "        return (layer['units'],)\n"
        "    return tuple(shape)\n"
    )


def _count_parameters(conv: str = "layer['filters'] * (shape[0] * layer['kernel'] ** 2 + 1)",
                      dense: str = "layer['units'] * (shape[0] + 1)", other: str = "0", shape_first: bool = False) -> str:
    """count_parameters with one piece swapped for a mistake."""
    early = "        shape = layer_output_shape(shape, layer)\n" if shape_first else ""
    late = "" if shape_first else "        shape = layer_output_shape(shape, layer)\n"
    return (
        "def count_parameters(input_shape, layers):\n"
        "    total, shape = 0, tuple(input_shape)\n"
        "    for layer in layers:\n"
        f"{early}"
        "        if layer['kind'] == 'conv':\n"
        f"            total += {conv}\n"
        "        elif layer['kind'] == 'dense':\n"
        f"            total += {dense}\n"
        "        else:\n"
        f"            total += {other}\n"
        f"{late}"
        "    return total\n"
    )


MUTANTS = [
    # Exercise 1: conv_output_size
    Mutant("conv_output_size", "rounds up (ceil) instead of down",
           "def conv_output_size(size, kernel, stride, padding):\n    return -(-(size + 2 * padding - kernel) // stride) + 1"),
    Mutant("conv_output_size", "padding counted on one side only",
           "def conv_output_size(size, kernel, stride, padding):\n    return (size + padding - kernel) // stride + 1"),
    Mutant("conv_output_size", "forgets the + 1 for the first window",
           "def conv_output_size(size, kernel, stride, padding):\n    return (size + 2 * padding - kernel) // stride"),
    Mutant("conv_output_size", "counts stride-1 positions, then divides by the stride",
           "def conv_output_size(size, kernel, stride, padding):\n    return (size + 2 * padding - kernel + 1) // stride"),
    Mutant("conv_output_size", "float division, no rounding",
           "def conv_output_size(size, kernel, stride, padding):\n    return (size + 2 * padding - kernel) / stride + 1"),
    # Exercise 2: conv2d_loops
    Mutant("conv2d_loops", "flipped kernel (true convolution)", _conv_loops(value="np.sum(window * w[f, :, ::-1, ::-1]) + b[f]")),
    Mutant("conv2d_loops", "padding on one side only (all of it before the image)",
           _conv_loops(pad="np.pad(x, ((0, 0), (0, 0), (2 * padding, 0), (2 * padding, 0)))")),
    Mutant("conv2d_loops", "padding on one side only (half of it)",
           _conv_loops(pad="np.pad(x, ((0, 0), (0, 0), (padding, 0), (padding, 0)))")),
    Mutant("conv2d_loops", "stride off by one (windows start stride - 1 too late)",
           _conv_loops(top="i * stride + stride - 1", left="j * stride + stride - 1")),
    Mutant("conv2d_loops", "stride off by one (steps of stride + 1)",
           _conv_loops(top="i * (stride + 1)", left="j * (stride + 1)")),
    Mutant("conv2d_loops", "stride ignored when placing windows", _conv_loops(top="i", left="j")),
    Mutant("conv2d_loops", "channels summed before multiplying (sum x_c times sum w_c)",
           _conv_loops(value="np.sum(window.sum(axis=0) * w[f].sum(axis=0)) + b[f]")),
    Mutant("conv2d_loops", "only the first channel is used", _conv_loops(value="np.sum(window[0] * w[f, 0]) + b[f]")),
    Mutant("conv2d_loops", "filter and channel axes of w swapped", _conv_loops(value="np.sum(window * w[:, f]) + b[f]")),
    Mutant("conv2d_loops", "bias added per pixel of the window", _conv_loops(value="np.sum(window * w[f] + b[f])")),
    Mutant("conv2d_loops", "bias broadcast over the last axis (columns) instead of channels",
           _conv_loops(value="np.sum(window * w[f])", after="    out = out + b\n")),
    Mutant("conv2d_loops", "kernel height and width swapped",
           _conv_loops(value="np.sum(x_padded[n, :, top:top + kernel_w, left:left + kernel_h] * w[f].transpose(0, 2, 1))"
                             " + b[f]")),
    # Exercise 3: im2col
    Mutant("im2col", "columns ordered (row, column, channel) instead of (channel, row, column)",
           _im2col(store="patches[..., u, v] = shifted.transpose(0, 2, 3, 1)",
                   final="patches.transpose(0, 1, 2, 4, 5, 3).reshape(n_images, out_h, out_w, -1)")),
    Mutant("im2col", "window flattened column by column",
           _im2col(final="patches.transpose(0, 1, 2, 3, 5, 4).reshape(n_images, out_h, out_w, -1)")),
    Mutant("im2col", "output positions in (W_out, H_out) order",
           _im2col(final="patches.transpose(0, 2, 1, 3, 4, 5).reshape(n_images, out_h, out_w, -1)")),
    Mutant("im2col", "reshape instead of transpose to move the channel axis",
           _im2col(store="patches[..., u, v] = shifted.reshape(n_images, out_h, out_w, n_channels)")),
    Mutant("im2col", "padding on one side only", _im2col(pad="np.pad(x, ((0, 0), (0, 0), (2 * padding, 0), (2 * padding, 0)))")),
    Mutant("im2col", "stride ignored inside the slices",
           _im2col(slices="u:u + out_h, v:v + out_w")),
    # Exercise 4: conv2d_im2col
    Mutant("conv2d_im2col", "reshape instead of transpose at the end",
           _conv_im2col(finish="(patches @ filters.T + b).reshape(x.shape[0], n_filters, patches.shape[1], patches.shape[2])")),
    Mutant("conv2d_im2col", "bias added after moving the filter axis (per column)",
           _conv_im2col(finish="(patches @ filters.T).transpose(0, 3, 1, 2) + b")),
    Mutant("conv2d_im2col", "filters flattened channels last",
           _conv_im2col(filters="w.transpose(0, 2, 3, 1).reshape(n_filters, -1)")),
    Mutant("conv2d_im2col", "filter matrix from the flipped kernel (true convolution)",
           _conv_im2col(filters="w[:, :, ::-1, ::-1].reshape(n_filters, -1)")),
    Mutant("conv2d_im2col", "kernel height and width swapped in the call",
           _conv_im2col(call="im2col(x, kernel_w, kernel_h, stride, padding)")),
    Mutant("conv2d_im2col", "output axes (N, F, W_out, H_out)",
           _conv_im2col(finish="(patches @ filters.T + b).transpose(0, 3, 2, 1)")),
    # Exercise 5: maxpool_forward
    Mutant("maxpool_forward", "starts the maximum at 0",
           "def maxpool_forward(x, size=2, stride=2):\n    n_images, n_channels, height, width = x.shape\n"
           "    out_h, out_w = conv_output_size(height, size, stride, 0), conv_output_size(width, size, stride, 0)\n"
           "    out = np.zeros((n_images, n_channels, out_h, out_w))\n"
           "    for u in range(size):\n        for v in range(size):\n"
           "            out = np.maximum(out, x[:, :, u:u + stride * out_h:stride, v:v + stride * out_w:stride])\n"
           "    return out"),
    Mutant("maxpool_forward", "average pooling",
           "def maxpool_forward(x, size=2, stride=2):\n    n_images, n_channels, height, width = x.shape\n"
           "    out_h, out_w = conv_output_size(height, size, stride, 0), conv_output_size(width, size, stride, 0)\n"
           "    out = np.zeros((n_images, n_channels, out_h, out_w))\n"
           "    for u in range(size):\n        for v in range(size):\n"
           "            out = out + x[:, :, u:u + stride * out_h:stride, v:v + stride * out_w:stride] / size ** 2\n"
           "    return out"),
    Mutant("maxpool_forward", "window size used as the stride",
           "def maxpool_forward(x, size=2, stride=2):\n    n_images, n_channels, height, width = x.shape\n"
           "    out_h, out_w = conv_output_size(height, size, size, 0), conv_output_size(width, size, size, 0)\n"
           "    out = np.full((n_images, n_channels, out_h, out_w), -np.inf)\n"
           "    for u in range(size):\n        for v in range(size):\n"
           "            out = np.maximum(out, x[:, :, u:u + size * out_h:size, v:v + size * out_w:size])\n"
           "    return out"),
    Mutant("maxpool_forward", "maximum taken over the channels too",
           "def maxpool_forward(x, size=2, stride=2):\n    n_images, n_channels, height, width = x.shape\n"
           "    out_h, out_w = conv_output_size(height, size, stride, 0), conv_output_size(width, size, stride, 0)\n"
           "    out = np.full((n_images, n_channels, out_h, out_w), -np.inf)\n"
           "    for u in range(size):\n        for v in range(size):\n"
           "            window = x[:, :, u:u + stride * out_h:stride, v:v + stride * out_w:stride]\n"
           "            out = np.maximum(out, window.max(axis=1, keepdims=True))\n"
           "    return out"),
    # Exercise 6: maxpool_backward
    Mutant("maxpool_backward", "gradient spread evenly over the window",
           "def maxpool_backward(dout, x, size=2, stride=2):\n    dx = np.zeros(x.shape)\n"
           "    for i in range(dout.shape[2]):\n        for j in range(dout.shape[3]):\n"
           "            dx[:, :, i * stride:i * stride + size, j * stride:j * stride + size] += "
           "dout[:, :, i, j, None, None] / size ** 2\n"
           "    return dx"),
    Mutant("maxpool_backward", "whole gradient copied to every pixel of the window",
           "def maxpool_backward(dout, x, size=2, stride=2):\n    dx = np.zeros(x.shape)\n"
           "    for i in range(dout.shape[2]):\n        for j in range(dout.shape[3]):\n"
           "            dx[:, :, i * stride:i * stride + size, j * stride:j * stride + size] += dout[:, :, i, j, None, None]\n"
           "    return dx"),
    Mutant("maxpool_backward", "gradient to every tied maximum (mask == max)",
           "def maxpool_backward(dout, x, size=2, stride=2):\n    dx = np.zeros(x.shape)\n"
           "    for i in range(dout.shape[2]):\n        for j in range(dout.shape[3]):\n"
           "            window = x[:, :, i * stride:i * stride + size, j * stride:j * stride + size]\n"
           "            mask = window == window.max(axis=(2, 3), keepdims=True)\n"
           "            dx[:, :, i * stride:i * stride + size, j * stride:j * stride + size] += mask * dout[:, :, i, j, None, None]\n"
           "    return dx"),
    Mutant("maxpool_backward", "overlapping windows overwrite instead of adding", _maxpool_backward(op="=")),
    Mutant("maxpool_backward", "gradient sent to the arg-min",
           _maxpool_backward(pick="window.reshape(n_images, n_channels, -1).argmin(axis=2)")),
    Mutant("maxpool_backward", "flat index unravelled as (column, row)",
           _maxpool_backward(where="(winner % size, winner // size)")),
    # Exercise 7: conv2d_backward
    Mutant("conv2d_backward", "bias gradient per pixel instead of per channel",
           _conv_backward(db="dout.sum(axis=0)")),
    Mutant("conv2d_backward", "bias gradient averaged over the batch",
           _conv_backward(db="dout.sum(axis=(0, 2, 3)) / dout.shape[0]")),
    Mutant("conv2d_backward", "dx uses the flipped kernel", _conv_backward(weights_for_dx="w[:, :, -1 - u, -1 - v]")),
    Mutant("conv2d_backward", "padding not cut off dx", _conv_backward(crop=":, :")),
    Mutant("conv2d_backward", "padding cut from one side only", _conv_backward(crop=":height, :width")),
    Mutant("conv2d_backward", "stride ignored in the backward pass", _conv_backward(step="1")),
    Mutant("conv2d_backward", "weight gradient averaged over the batch", _conv_backward(dw_scale=" / dout.shape[0]")),
    # Exercise 8: layer_output_shape
    Mutant("layer_output_shape", "convolution keeps the input channels",
           _layer_output_shape(conv="(channels, conv_output_size(height, layer['kernel'], layer['stride'], layer['padding']), "
                                    "conv_output_size(width, layer['kernel'], layer['stride'], layer['padding']))")),
    Mutant("layer_output_shape", "stride and kernel passed in the wrong order",
           _layer_output_shape(conv="(layer['filters'], conv_output_size(height, layer['stride'], layer['kernel'], "
                                    "layer['padding']), conv_output_size(width, layer['stride'], layer['kernel'], "
                                    "layer['padding']))")),
    Mutant("layer_output_shape", "height used for both axes",
           _layer_output_shape(conv="(layer['filters'],) + (conv_output_size(height, layer['kernel'], layer['stride'], "
                                    "layer['padding']),) * 2")),
    Mutant("layer_output_shape", "pooling does not shrink the image", _layer_output_shape(pool="tuple(shape)")),
    Mutant("layer_output_shape", "pooling stride taken equal to its size",
           _layer_output_shape(pool="(channels, conv_output_size(height, layer['size'], layer['size'], 0), "
                                    "conv_output_size(width, layer['size'], layer['size'], 0))")),
    Mutant("layer_output_shape", "flatten forgets the channels", _layer_output_shape(flatten="(shape[1] * shape[2],)")),
    # Exercise 9: count_parameters
    Mutant("count_parameters", "convolution bias forgotten",
           _count_parameters(conv="layer['filters'] * shape[0] * layer['kernel'] ** 2")),
    Mutant("count_parameters", "dense bias forgotten", _count_parameters(dense="layer['units'] * shape[0]")),
    Mutant("count_parameters", "input channels ignored by convolutions",
           _count_parameters(conv="layer['filters'] * (layer['kernel'] ** 2 + 1)")),
    Mutant("count_parameters", "pooling counted with a weight per window pixel",
           _count_parameters(other="layer.get('size', 0) ** 2")),
    Mutant("count_parameters", "pooling counted with one parameter per channel",
           _count_parameters(other="shape[0] if layer['kind'] == 'pool' else 0")),
    Mutant("count_parameters", "no weight sharing: one kernel per output pixel",
           _count_parameters(conv="layer['filters'] * (shape[0] * layer['kernel'] ** 2 + 1) * "
                                  "layer_output_shape(shape, layer)[1] * layer_output_shape(shape, layer)[2]")),
    Mutant("count_parameters", "counts each layer from its output shape", _count_parameters(shape_first=True)),
    Mutant("maxpool_backward", "central differences of the pooled sum, written inline",
           "def maxpool_backward(dout, x, size=2, stride=2):\n    h, dx = 1e-5, np.zeros(x.shape)\n"
           "    for index in np.ndindex(*x.shape):\n        step = np.zeros(x.shape)\n        step[index] = h\n"
           "        dx[index] = np.sum((maxpool_forward(x + step, size, stride) - maxpool_forward(x - step, size, stride))"
           " * dout) / (2 * h)\n    return dx"),
    Mutant("conv2d_backward", "all three gradients by dlcourse.gradcheck (the exercise forbids it)",
           "from dlcourse import gradcheck\n\n\ndef conv2d_backward(dout, x, w, stride=1, padding=0):\n"
           "    b = np.zeros(w.shape[0])\n\n    def loss(x, w, b):\n"
           "        return np.sum(conv2d_loops(x, w, b, stride, padding) * dout)\n\n"
           "    return (gradcheck.numeric_grad(lambda v: loss(v, w, b), x.copy()),\n"
           "            gradcheck.numeric_grad(lambda v: loss(x, v, b), w.copy()),\n"
           "            gradcheck.numeric_grad(lambda v: loss(x, w, v), b.copy()))"),
]
