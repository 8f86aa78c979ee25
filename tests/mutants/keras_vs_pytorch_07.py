"""Wrong answers to notebook 07 that its hidden tests must reject."""

from tests.mutant_harness import Mutant

NOTEBOOK = "07_keras_vs_pytorch"


def _keras(conv1="keras.layers.Conv2D(32, 5, activation='relu')", conv2="keras.layers.Conv2D(64, 5, activation='relu')",
           dense="keras.layers.Dense(64, activation='relu')", last="keras.layers.Dense(10)") -> str:
    return (f"def build_keras_cnn():\n    return keras.Sequential([keras.Input(shape=(28, 28, 1)), {conv1}, "
            f"keras.layers.MaxPooling2D(2), {conv2}, keras.layers.MaxPooling2D(2), keras.layers.Flatten(), "
            f"{dense}, {last}])")


def _torch(conv1="nn.Conv2d(1, 32, 5)", conv2="nn.Conv2d(32, 64, 5)", fc1="nn.Linear(1024, 64)", fc2="nn.Linear(64, 10)",
           forward="x = self.pool(torch.relu(self.conv1(x)))\n        x = self.pool(torch.relu(self.conv2(x)))\n"
                   "        x = torch.relu(self.fc1(torch.flatten(x, 1)))\n        return self.fc2(x)") -> str:
    return ("class TorchCNN(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
            f"        self.conv1 = {conv1}\n        self.conv2 = {conv2}\n        self.pool = nn.MaxPool2d(2)\n"
            f"        self.fc1 = {fc1}\n        self.fc2 = {fc2}\n\n    def forward(self, x):\n        {forward}")


def _epoch(body: str) -> str:
    return "def train_one_epoch(model, loader, optimizer, device):\n" + body


def _step(body: str) -> str:
    return "def train_step(model, optimizer, images, labels):\n" + body


def _evaluate(loss_line="total_loss += nn.functional.cross_entropy(logits, labels, reduction='sum').item()",
              mode="model.eval()", guard="with torch.no_grad():", result="return total_loss / count, correct / count",
              correct_line="correct += (logits.argmax(dim=1) == labels).sum().item()") -> str:
    return ("def evaluate_torch(model, loader, device):\n    " + mode + "\n    total_loss, correct, count, batches = 0.0, 0, 0, 0\n"
            "    " + guard + "\n        for images, labels in loader:\n"
            "            images, labels = images.to(device), labels.to(device)\n            logits = model(images)\n"
            "            " + loss_line + "\n            " + correct_line + "\n"
            "            count += len(labels)\n            batches += 1\n    " + result)


MUTANTS = [
    Mutant("build_keras_cnn", "Keras model with 3x3 kernels", _keras(conv1="keras.layers.Conv2D(32, 3, activation='relu')",
                                                    conv2="keras.layers.Conv2D(64, 3, activation='relu')")),
    Mutant("build_keras_cnn", "Keras model with 'same' padding", _keras(conv1="keras.layers.Conv2D(32, 5, padding='same', activation='relu')",
                                                       conv2="keras.layers.Conv2D(64, 5, padding='same', activation='relu')")),
    Mutant("build_keras_cnn", "softmax on the output layer", _keras(last="keras.layers.Dense(10, activation='softmax')")),
    Mutant("build_keras_cnn", "no ReLU in the hidden dense layer", _keras(dense="keras.layers.Dense(64)")),
    Mutant("build_keras_cnn", "Keras model with 128 hidden units", _keras(dense="keras.layers.Dense(128, activation='relu')")),
    Mutant("TorchCNN", "3x3 kernels", _torch(conv1="nn.Conv2d(1, 32, 3)", conv2="nn.Conv2d(32, 64, 3)", fc1="nn.Linear(1600, 64)")),
    Mutant("TorchCNN", "'same' padding", _torch(conv1="nn.Conv2d(1, 32, 5, padding=2)", conv2="nn.Conv2d(32, 64, 5, padding=2)",
                                                fc1="nn.Linear(3136, 64)")),
    Mutant("TorchCNN", "softmax at the end", _torch(
        forward="x = self.pool(torch.relu(self.conv1(x)))\n        x = self.pool(torch.relu(self.conv2(x)))\n"
                "        x = torch.relu(self.fc1(torch.flatten(x, 1)))\n        return torch.softmax(self.fc2(x), dim=1)")),
    Mutant("TorchCNN", "no ReLU after the second convolution", _torch(
        forward="x = self.pool(torch.relu(self.conv1(x)))\n        x = self.pool(self.conv2(x))\n"
                "        x = torch.relu(self.fc1(torch.flatten(x, 1)))\n        return self.fc2(x)")),
    Mutant("TorchCNN", "pooling before the ReLU and no ReLU in the dense layer", _torch(
        forward="x = self.pool(torch.relu(self.conv1(x)))\n        x = self.pool(torch.relu(self.conv2(x)))\n"
                "        x = self.fc1(torch.flatten(x, 1))\n        return self.fc2(x)")),
    Mutant("TorchCNN", "128 hidden units", _torch(fc1="nn.Linear(1024, 128)", fc2="nn.Linear(128, 10)")),
    Mutant("train_one_epoch", "returns the last batch's loss (the survey's loop)", _epoch(
        "    model.train()\n    for images, labels in loader:\n"
        "        loss = train_step(model, optimizer, images.to(device), labels.to(device))\n    return float(loss)\n")),
    Mutant("train_one_epoch", "returns the sum of the batch losses", _epoch(
        "    model.train()\n    losses = [train_step(model, optimizer, i.to(device), l.to(device)) for i, l in loader]\n"
        "    return float(np.sum(losses))\n")),
    Mutant("train_one_epoch", "returns the first batch's loss", _epoch(
        "    model.train()\n    losses = [train_step(model, optimizer, i.to(device), l.to(device)) for i, l in loader]\n"
        "    return float(losses[0])\n")),
    Mutant("train_one_epoch", "ignores device", _epoch(
        "    model.train()\n    losses = [train_step(model, optimizer, i, l) for i, l in loader]\n"
        "    return float(np.mean(losses))\n")),
    Mutant("train_one_epoch", "moves only the images", _epoch(
        "    model.train()\n    losses = [train_step(model, optimizer, i.to(device), l) for i, l in loader]\n"
        "    return float(np.mean(losses))\n")),
    Mutant("train_one_epoch", "forgets model.train()", _epoch(
        "    losses = [train_step(model, optimizer, i.to(device), l.to(device)) for i, l in loader]\n"
        "    return float(np.mean(losses))\n")),
    Mutant("train_step", "never zeroes the gradients", _step(
        "    loss = nn.functional.cross_entropy(model(images), labels)\n    loss.backward()\n    optimizer.step()\n"
        "    return loss.item()")),
    Mutant("train_step", "returns the tensor", _step(
        "    optimizer.zero_grad()\n    loss = nn.functional.cross_entropy(model(images), labels)\n    loss.backward()\n"
        "    optimizer.step()\n    return loss")),
    Mutant("train_step", "returns the loss after the update", _step(
        "    optimizer.zero_grad()\n    nn.functional.cross_entropy(model(images), labels).backward()\n    optimizer.step()\n"
        "    with torch.no_grad():\n        return nn.functional.cross_entropy(model(images), labels).item()")),
    Mutant("train_step", "sums the per-image losses", _step(
        "    optimizer.zero_grad()\n    loss = nn.functional.cross_entropy(model(images), labels, reduction='sum')\n"
        "    loss.backward()\n    optimizer.step()\n    return loss.item()")),
    Mutant("train_step", "forgets optimizer.step()", _step(
        "    optimizer.zero_grad()\n    loss = nn.functional.cross_entropy(model(images), labels)\n    loss.backward()\n"
        "    return loss.item()")),
    Mutant("evaluate_torch", "averages the batch means", _evaluate(
        loss_line="total_loss += nn.functional.cross_entropy(logits, labels).item()",
        result="return total_loss / batches, correct / count")),
    Mutant("evaluate_torch", "averages the per-batch accuracies", _evaluate(
        correct_line="correct += (logits.argmax(dim=1) == labels).float().mean().item()",
        result="return total_loss / count, correct / batches")),
    Mutant("evaluate_torch", "accuracy in percent", _evaluate(result="return total_loss / count, 100 * correct / count")),
    Mutant("evaluate_torch", "forgets model.eval()", _evaluate(mode="pass")),
    Mutant("evaluate_torch", "records the graph (no torch.no_grad)", _evaluate(guard="if True:")),
]
