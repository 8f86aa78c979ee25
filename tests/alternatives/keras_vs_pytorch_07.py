"""Correct answers to notebook 07, written otherwise than the instructor's, that must score full marks."""

from tests.mutant_harness import Alternative

NOTEBOOK = "07_keras_vs_pytorch"

_TORCH_HEAD = ('class TorchCNN(nn.Module):\n    """The course CNN in PyTorch."""\n\n    def __init__(self):\n'
               '        super().__init__()\n')

ALTERNATIVES = [
    Alternative("build_keras_cnn", "the functional API",
                "def build_keras_cnn():\n    inputs = keras.Input(shape=(28, 28, 1))\n"
                "    x = keras.layers.MaxPooling2D(2)(keras.layers.Conv2D(32, 5, activation='relu')(inputs))\n"
                "    x = keras.layers.MaxPooling2D(2)(keras.layers.Conv2D(64, 5, activation='relu')(x))\n"
                "    x = keras.layers.Dense(64, activation='relu')(keras.layers.Flatten()(x))\n"
                "    return keras.Model(inputs, keras.layers.Dense(10)(x))"),
    Alternative("build_keras_cnn", "no Input layer, ReLU as its own layer",
                "def build_keras_cnn():\n    return keras.Sequential([\n"
                "        keras.layers.Conv2D(32, 5), keras.layers.ReLU(), keras.layers.MaxPooling2D(2),\n"
                "        keras.layers.Conv2D(64, 5), keras.layers.ReLU(), keras.layers.MaxPooling2D(2),\n"
                "        keras.layers.Flatten(), keras.layers.Dense(64), keras.layers.ReLU(), keras.layers.Dense(10)])"),
    Alternative("TorchCNN", "nn.Sequential inside the module",
                _TORCH_HEAD + "        self.net = nn.Sequential(\n"
                "            nn.Conv2d(1, 32, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(32, 64, 5), nn.ReLU(), nn.MaxPool2d(2),\n"
                "            nn.Flatten(), nn.Linear(1024, 64), nn.ReLU(), nn.Linear(64, 10))\n\n"
                "    def forward(self, x):\n        return self.net(x)"),
    Alternative("TorchCNN", "nn.LazyLinear, which finds its input size on the first call",
                _TORCH_HEAD + "        self.conv1, self.conv2 = nn.Conv2d(1, 32, 5), nn.Conv2d(32, 64, 5)\n"
                "        self.fc1, self.fc2 = nn.LazyLinear(64), nn.Linear(64, 10)\n\n"
                "    def forward(self, x):\n"
                "        x = nn.functional.max_pool2d(nn.functional.relu(self.conv1(x)), 2)\n"
                "        x = nn.functional.max_pool2d(nn.functional.relu(self.conv2(x)), 2)\n"
                "        return self.fc2(nn.functional.relu(self.fc1(x.flatten(1))))"),
    Alternative("train_step", "an nn.CrossEntropyLoss object, float(loss.detach())",
                "def train_step(model, optimizer, images, labels):\n    optimizer.zero_grad(set_to_none=True)\n"
                "    loss = nn.CrossEntropyLoss()(model(images), labels)\n    loss.backward()\n    optimizer.step()\n"
                "    return float(loss.detach())"),
    Alternative("train_one_epoch", "a running total divided by the number of batches",
                "def train_one_epoch(model, loader, optimizer, device):\n    model.train()\n    total, batches = 0.0, 0\n"
                "    for images, labels in loader:\n"
                "        total += train_step(model, optimizer, images.to(device), labels.to(device))\n"
                "        batches += 1\n    return total / batches"),
    Alternative("evaluate_torch", "torch.inference_mode, per-image losses concatenated",
                "def evaluate_torch(model, loader, device):\n    model.eval()\n    losses, hits = [], []\n"
                "    with torch.inference_mode():\n        for images, labels in loader:\n"
                "            logits, labels = model(images.to(device)), labels.to(device)\n"
                "            losses.append(nn.functional.cross_entropy(logits, labels, reduction='none').double())\n"
                "            hits.append(logits.argmax(dim=1) == labels)\n"
                "    return torch.cat(losses).mean().item(), torch.cat(hits).double().mean().item()"),
]
