"""Writes scikit-learn's 8x8 digits (load_digits: 1797 images, pixels 0..16, bundled with
scikit-learn, no download) to examples/data/digits.csv: one image per line, label first, then the
64 pixels row by row. Run once; the C++ example reads the committed file and needs no Python."""

import os

from sklearn.datasets import load_digits

digits = load_digits()
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "digits.csv")
with open(out, "w") as f:
    for label, image in zip(digits.target, digits.data.astype(int)):
        f.write(",".join(str(v) for v in [int(label), *image]) + "\n")
print(f"wrote {len(digits.target)} digits to {os.path.normpath(out)}")
