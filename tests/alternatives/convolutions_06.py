"""Correct answers to notebook 06, written otherwise than the instructor's, that must score full marks."""

from tests.mutant_harness import Alternative

NOTEBOOK = "06_convolutions"

ALTERNATIVES = [
    Alternative("conv_output_size", "integer division written with math.floor",
                "import math\n\n\ndef conv_output_size(size, kernel, stride=1, padding=0):\n"
                "    return math.floor((size + 2 * padding - kernel) / stride) + 1"),
    Alternative("layer_output_shape", "inline geometry instead of conv_output_size",
                "def layer_output_shape(shape, layer):\n    kind = layer['kind']\n    if kind == 'conv':\n"
                "        _, h, w = shape\n        k, s, p = layer['kernel'], layer['stride'], layer['padding']\n"
                "        return (layer['filters'], (h + 2 * p - k) // s + 1, (w + 2 * p - k) // s + 1)\n"
                "    if kind == 'pool':\n        c, h, w = shape\n"
                "        return (c, (h - layer['size']) // layer['stride'] + 1, (w - layer['size']) // layer['stride'] + 1)\n"
                "    if kind == 'flatten':\n        return (int(np.prod(shape)),)\n"
                "    if kind == 'dense':\n        return (layer['units'],)\n    return tuple(shape)",
                visible_fail="[FAIL] layer_output_shape: got conv_output_size called with []"),
    Alternative("conv2d_loops", "a loop over output pixels only, np.tensordot against every filter",
                "def conv2d_loops(x, w, b, stride=1, padding=0):\n    n_images, _, height, width = x.shape\n"
                "    n_filters, _, kernel_h, kernel_w = w.shape\n"
                "    out_h, out_w = conv_output_size(height, kernel_h, stride, padding), "
                "conv_output_size(width, kernel_w, stride, padding)\n"
                "    x_padded = np.pad(x, [(0, 0), (0, 0), (padding, padding), (padding, padding)], mode='constant')\n"
                "    out = np.empty((n_images, n_filters, out_h, out_w))\n    for i in range(out_h):\n"
                "        for j in range(out_w):\n"
                "            window = x_padded[:, :, i * stride:i * stride + kernel_h, j * stride:j * stride + kernel_w]\n"
                "            out[:, :, i, j] = np.tensordot(window, w, axes=([1, 2, 3], [1, 2, 3])) + b\n    return out"),
    Alternative("im2col", "np.lib.stride_tricks.sliding_window_view",
                "def im2col(x, kernel_h, kernel_w, stride=1, padding=0):\n"
                "    x_padded = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))\n"
                "    windows = np.lib.stride_tricks.sliding_window_view(x_padded, (kernel_h, kernel_w), axis=(2, 3))\n"
                "    windows = windows[:, :, ::stride, ::stride]\n    n_images, n_channels, out_h, out_w = windows.shape[:4]\n"
                "    return windows.transpose(0, 2, 3, 1, 4, 5).reshape(n_images, out_h, out_w, "
                "n_channels * kernel_h * kernel_w)"),
    Alternative("conv2d_im2col", "np.einsum over the patches",
                "def conv2d_im2col(x, w, b, stride=1, padding=0):\n    n_filters, _, kernel_h, kernel_w = w.shape\n"
                "    patches = im2col(x, kernel_h, kernel_w, stride, padding)\n"
                "    return np.einsum('nhwk,fk->nfhw', patches, w.reshape(n_filters, -1)) + b[None, :, None, None]"),
    Alternative("maxpool_forward", "the maximum of sliding windows",
                "def maxpool_forward(x, size=2, stride=2):\n"
                "    windows = np.lib.stride_tricks.sliding_window_view(x, (size, size), axis=(2, 3))\n"
                "    return windows[:, :, ::stride, ::stride].max(axis=(4, 5))"),
    Alternative("maxpool_backward", "a loop over every window, np.argmax of the window",
                "def maxpool_backward(dout, x, size=2, stride=2):\n    dx = np.zeros(x.shape)\n"
                "    n_images, n_channels, out_h, out_w = dout.shape\n    for n in range(n_images):\n"
                "        for c in range(n_channels):\n            for i in range(out_h):\n"
                "                for j in range(out_w):\n"
                "                    window = x[n, c, i * stride:i * stride + size, j * stride:j * stride + size]\n"
                "                    r, s = np.unravel_index(np.argmax(window), window.shape)\n"
                "                    dx[n, c, i * stride + r, j * stride + s] += dout[n, c, i, j]\n    return dx"),
    Alternative("conv2d_backward", "through im2col: dw from the patches, dx added back window by window",
                "def conv2d_backward(dout, x, w, stride=1, padding=0):\n"
                "    n_filters, n_channels, kernel_h, kernel_w = w.shape\n    _, _, height, width = x.shape\n"
                "    patches = im2col(x, kernel_h, kernel_w, stride, padding)\n    g = dout.transpose(0, 2, 3, 1)\n"
                "    dw = np.einsum('nhwf,nhwk->fk', g, patches).reshape(w.shape)\n    db = g.sum(axis=(0, 1, 2))\n"
                "    dpatches = (g @ w.reshape(n_filters, -1)).reshape(*g.shape[:3], n_channels, kernel_h, kernel_w)\n"
                "    dx_padded = np.zeros((x.shape[0], n_channels, height + 2 * padding, width + 2 * padding))\n"
                "    for i in range(g.shape[1]):\n        for j in range(g.shape[2]):\n"
                "            dx_padded[:, :, i * stride:i * stride + kernel_h, j * stride:j * stride + kernel_w] += "
                "dpatches[:, i, j]\n"
                "    return dx_padded[:, :, padding:padding + height, padding:padding + width], dw, db"),
    Alternative("count_parameters", "weights and biases added separately, np.prod of a dense layer's input",
                "def count_parameters(input_shape, layers):\n    total, shape = 0, tuple(input_shape)\n"
                "    for layer in layers:\n        if layer['kind'] == 'conv':\n"
                "            total += shape[0] * layer['kernel'] * layer['kernel'] * layer['filters'] + layer['filters']\n"
                "        if layer['kind'] == 'dense':\n"
                "            total += int(np.prod(shape)) * layer['units'] + layer['units']\n"
                "        shape = layer_output_shape(shape, layer)\n    return int(total)"),
]
