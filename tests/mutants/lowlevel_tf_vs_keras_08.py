"""Wrong answers to notebook 08 that its hidden tests must reject."""

from tests.mutant_harness import Mutant

NOTEBOOK = "08_lowlevel_tf_vs_keras"


def _forward(conv1_bias=' + params["conv1_bias"]', conv2_bias=' + params["conv2_bias"]', dense1_bias=' + params["dense1_bias"]',
             dense2_bias=' + params["dense2_bias"]', padding="SAME", pool="tf.nn.max_pool2d", hidden="tf.nn.relu", out="") -> str:
    return ("def lowlevel_forward(params, images):\n"
            f'    x = tf.nn.conv2d(images, params["conv1_kernel"], strides=1, padding="{padding}"){conv1_bias}\n'
            f'    x = {pool}(tf.nn.relu(x), ksize=2, strides=2, padding="VALID")\n'
            f'    x = tf.nn.conv2d(x, params["conv2_kernel"], strides=1, padding="{padding}"){conv2_bias}\n'
            f'    x = {pool}(tf.nn.relu(x), ksize=2, strides=2, padding="VALID")\n'
            "    x = tf.reshape(x, (-1, 7 * 7 * 64))\n"
            f'    x = {hidden}(tf.matmul(x, params["dense1_kernel"]){dense1_bias})\n'
            f'    return {out}(tf.matmul(x, params["dense2_kernel"]){dense2_bias})\n')


def _step(update="variable.assign_sub(learning_rate * gradient)", loss="tf.reduce_mean", variables="list(params.values())",
          result="return loss", decorator="@tf.function\n") -> str:
    return (decorator + "def train_step(params, images, labels, learning_rate):\n"
            f"    variables = {variables}\n    with tf.GradientTape() as tape:\n"
            "        logits = lowlevel_forward(params, images)\n"
            f"        loss = {loss}(tf.nn.sparse_softmax_cross_entropy_with_logits(labels, logits))\n"
            "    gradients = tape.gradient(loss, variables)\n"
            f"    for variable, gradient in zip(variables, gradients):\n        {update}\n    {result}\n")


def _paper(conv1="keras.layers.Conv2D(32, 5, padding='same', activation='relu')",
           conv2="keras.layers.Conv2D(64, 5, padding='same', activation='relu')",
           dense="keras.layers.Dense(1000, activation='relu')", last="keras.layers.Dense(10)") -> str:
    return (f"def build_keras_paper_cnn():\n    return keras.Sequential([keras.Input(shape=(28, 28, 1)), {conv1}, "
            f"keras.layers.MaxPooling2D(2), {conv2}, keras.layers.MaxPooling2D(2), keras.layers.Flatten(), {dense}, {last}])")


def _times(body: str) -> str:
    return "def compare_mean_times(times_a, times_b):\n" + body


MUTANTS = [
    Mutant("lowlevel_forward", "no biases", _forward(conv1_bias="", conv2_bias="", dense1_bias="", dense2_bias="")),
    Mutant("lowlevel_forward", "no convolution biases", _forward(conv1_bias="", conv2_bias="")),
    Mutant("lowlevel_forward", "no bias on the output layer", _forward(dense2_bias="")),
    Mutant("lowlevel_forward", "softmax at the end", _forward(out="tf.nn.softmax")),
    Mutant("lowlevel_forward", "no ReLU after the hidden dense layer", _forward(hidden="tf.identity")),
    Mutant("lowlevel_forward", "'VALID' convolutions", _forward(padding="VALID")),
    Mutant("lowlevel_forward", "average instead of max pooling", _forward(pool="tf.nn.avg_pool2d")),
    Mutant("train_step", "steps up the gradient", _step(update="variable.assign_add(learning_rate * gradient)")),
    Mutant("train_step", "never updates the variables", _step(update="pass")),
    Mutant("train_step", "returns the loss after the update", _step(
        result="return tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels, lowlevel_forward(params, images)))")),
    Mutant("train_step", "updates only the kernels", _step(
        variables="[v for name, v in params.items() if name.endswith('kernel')]")),
    Mutant("train_step", "sums the per-image losses", _step(loss="tf.reduce_sum")),
    Mutant("train_step", "ignores the learning rate", _step(update="variable.assign_sub(0.1 * gradient)")),
    Mutant("train_step", "no @tf.function", _step(decorator="")),
    Mutant("build_keras_paper_cnn", "3x3 kernels", _paper(conv1="keras.layers.Conv2D(32, 3, padding='same', activation='relu')",
                                                          conv2="keras.layers.Conv2D(64, 3, padding='same', activation='relu')")),
    Mutant("build_keras_paper_cnn", "'valid' padding", _paper(conv1="keras.layers.Conv2D(32, 5, activation='relu')",
                                                              conv2="keras.layers.Conv2D(64, 5, activation='relu')")),
    Mutant("build_keras_paper_cnn", "1024 hidden units", _paper(dense="keras.layers.Dense(1024, activation='relu')")),
    Mutant("build_keras_paper_cnn", "softmax on the output layer", _paper(last="keras.layers.Dense(10, activation='softmax')")),
    Mutant("build_keras_paper_cnn", "no ReLU in the hidden dense layer", _paper(dense="keras.layers.Dense(1000)")),
    Mutant("compare_mean_times", "denominators swapped", _times(
        "    a, b = float(np.mean(times_a)), float(np.mean(times_b))\n    return a, b, 100 * (b - a) / b, 100 * (b - a) / a\n")),
    Mutant("compare_mean_times", "fractions instead of percentages", _times(
        "    a, b = float(np.mean(times_a)), float(np.mean(times_b))\n    return a, b, (b - a) / a, (b - a) / b\n")),
    Mutant("compare_mean_times", "medians instead of means", _times(
        "    a, b = float(np.median(times_a)), float(np.median(times_b))\n    return a, b, 100 * (b - a) / a, 100 * (b - a) / b\n")),
    Mutant("compare_mean_times", "drops the sign", _times(
        "    a, b = float(np.mean(times_a)), float(np.mean(times_b))\n"
        "    return a, b, 100 * abs(b - a) / a, 100 * abs(b - a) / b\n")),
    Mutant("compare_mean_times", "sums instead of means", _times(
        "    a, b = float(np.sum(times_a)), float(np.sum(times_b))\n    return a, b, 100 * (b - a) / a, 100 * (b - a) / b\n")),
]
