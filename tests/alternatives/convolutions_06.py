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
]
