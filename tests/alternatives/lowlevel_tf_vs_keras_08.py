"""Correct answers to notebook 08, written otherwise than the instructor's, that must score full marks."""

from tests.mutant_harness import Alternative

NOTEBOOK = "08_lowlevel_tf_vs_keras"

ALTERNATIVES = [
    Alternative("lowlevel_forward", "a loop over the two convolution blocks, tf.nn.bias_add, four-number strides",
                "def lowlevel_forward(params, images):\n    x = images\n    for layer in ('conv1', 'conv2'):\n"
                "        x = tf.nn.conv2d(x, params[f'{layer}_kernel'], strides=[1, 1, 1, 1], padding='SAME')\n"
                "        x = tf.nn.relu(tf.nn.bias_add(x, params[f'{layer}_bias']))\n"
                "        x = tf.nn.max_pool2d(x, ksize=[1, 2, 2, 1], strides=[1, 2, 2, 1], padding='VALID')\n"
                "    x = tf.reshape(x, [tf.shape(x)[0], -1])\n"
                "    x = tf.nn.relu(x @ params['dense1_kernel'] + params['dense1_bias'])\n"
                "    return x @ params['dense2_kernel'] + params['dense2_bias']"),
    Alternative("train_step", "gradients of the dict, one-hot labels, assign",
                "@tf.function\ndef train_step(params, images, labels, learning_rate):\n"
                "    with tf.GradientTape() as tape:\n        logits = lowlevel_forward(params, images)\n"
                "        loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(tf.one_hot(labels, 10), logits))\n"
                "    gradients = tape.gradient(loss, params)\n    for name, variable in params.items():\n"
                "        variable.assign(variable - learning_rate * gradients[name])\n    return loss"),
    Alternative("build_keras_paper_cnn", "the functional API with separate ReLU layers",
                "def build_keras_paper_cnn():\n    inputs = keras.Input(shape=(28, 28, 1))\n"
                "    x = keras.layers.Conv2D(32, (5, 5), padding='same')(inputs)\n    x = keras.layers.ReLU()(x)\n"
                "    x = keras.layers.MaxPooling2D(pool_size=(2, 2))(x)\n"
                "    x = keras.layers.Conv2D(64, (5, 5), padding='same')(x)\n    x = keras.layers.Activation('relu')(x)\n"
                "    x = keras.layers.MaxPooling2D()(x)\n    x = keras.layers.Flatten()(x)\n"
                "    x = keras.layers.Dense(1000, activation='relu')(x)\n    return keras.Model(inputs, keras.layers.Dense(10)(x))"),
    Alternative("compare_mean_times", "plain sums, and the percentages from the ratio of the means",
                "def compare_mean_times(times_a, times_b):\n"
                "    mean_a, mean_b = sum(times_a) / len(times_a), sum(times_b) / len(times_b)\n"
                "    return float(mean_a), float(mean_b), float((mean_b / mean_a - 1) * 100), float((1 - mean_a / mean_b) * 100)"),
]
