"""A solver that knows our code, as the one that read 83.5 % of our images
did (issue 42): it cuts each image where `captcha/draw.rs` centres the
characters and trains a neural network (scikit-learn's multi-layer
perceptron) on cells of images our own generator drew, labelled.

    solver.py SPEC.json

SPEC names the labelled images to learn from and the sets of fresh ones
to read: raw 8-bit grey pixels (0 paper, 255 ink), one image after
another, and their answers one per line (unknown ones as `?????`). Prints
what it read in each set, as one JSON object.
"""

import json
import sys
import time

import numpy as np
from sklearn.neural_network import MLPClassifier

# The cell around a character's centre, and how much of it is pooled.
CELL_W, CELL_H, POOL = 48, 72, 3


def images(path, count, width, height):
    pixels = np.fromfile(path, dtype=np.uint8)
    return pixels.reshape(count, height, width).astype(np.float32) / 255.0


def centres(spec):
    """Where the generator centres each character (draw.rs)."""
    width, height, length = spec["width"], spec["height"], spec["length"]
    step = (width - 30) / length
    return [(15 + step * (i + 0.5), height / 2) for i in range(length)]


def cell(image, centre, shift=(0, 0)):
    """The pooled cell centred at `centre`, moved by `shift` pixels."""
    height, width = image.shape
    left = int(centre[0]) - CELL_W // 2 + shift[0]
    top = int(centre[1]) - CELL_H // 2 + shift[1]
    padded = np.zeros((CELL_H, CELL_W), dtype=np.float32)
    x0, y0 = max(left, 0), max(top, 0)
    x1, y1 = min(left + CELL_W, width), min(top + CELL_H, height)
    padded[y0 - top : y1 - top, x0 - left : x1 - left] = image[y0:y1, x0:x1]
    pooled = padded.reshape(CELL_H // POOL, POOL, CELL_W // POOL, POOL).mean(axis=(1, 3))
    return pooled.ravel()


def cells(stack, spec, shifts):
    at = centres(spec)
    return np.array(
        [cell(image, at[i], shift) for image in stack for i in range(len(at)) for shift in shifts]
    )


def main():
    spec = json.load(open(sys.argv[1]))
    width, height, length = spec["width"], spec["height"], spec["length"]
    train_answers = open(spec["train_answers"]).read().split()
    train = images(spec["train_images"], len(train_answers), width, height)

    # Characters move a little about their centres: learn them moved too.
    shifts = [(0, 0), (-4, 0), (4, 0), (0, -4), (0, 4)]
    started = time.monotonic()
    features = cells(train, spec, shifts)
    # Labels as numbers (scikit-learn's early stopping wants them so).
    alphabet = sorted(set("".join(train_answers)))
    labels = [alphabet.index(c) for answer in train_answers for c in answer for _ in shifts]
    network = MLPClassifier(
        hidden_layer_sizes=(256,),
        max_iter=spec.get("epochs", 30),
        early_stopping=True,
        random_state=1,
    )
    network.fit(features, labels)
    trained = time.monotonic() - started

    results = {}
    for name, to_read in spec["read"].items():
        answers = open(to_read["answers"]).read().split()
        stack = images(to_read["images"], len(answers), width, height)
        started = time.monotonic()
        read = [alphabet[i] for i in network.predict(cells(stack, spec, [(0, 0)]))]
        guesses = ["".join(read[i : i + length]) for i in range(0, len(read), length)]
        results[name] = {
            "solved": sum(g == a for g, a in zip(guesses, answers)),
            "of": len(answers),
            "characters_right": sum(
                x == y for g, a in zip(guesses, answers) for x, y in zip(g, a)
            ),
            "characters": length * len(answers),
            "learned_from": len(train_answers),
            "training_seconds": round(trained, 1),
            "ms_per_image": round(1000 * (time.monotonic() - started) / len(answers), 2),
            "guesses": guesses,
        }
    print(json.dumps(results))


if __name__ == "__main__":
    main()
