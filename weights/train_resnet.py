#!/usr/bin/python3
"""Trains weights/resnet-cluttered.onnx: a small ResNet for the project's cluttered scenes (3x64x64, 10
Fashion-MNIST classes on coloured clutter), in PyTorch on the CPU, then exports it to ONNX with the
`deepinside` metadata, the way docs/onnx.md tells a user to export their own model.

Needs Debian's python3-torch (1.13), python3-onnx and numpy: run it with /usr/bin/python3. The scenes come
from the engine itself, dumped to .npy files (float16 pixels in [0, 1], uint8 labels) by
bench/dump_cluttered.ts, so PyTorch trains on exactly the scenes `deepinside train --dataset cluttered`
would (train split: seed CLUTTERED_SEED; test split: CLUTTERED_SEED + 1):

  node .ci/build.mjs dump-cluttered
  node .build/bench/dump-cluttered.mjs train 60000 /tmp/cluttered-train
  node .build/bench/dump-cluttered.mjs test 10000 /tmp/cluttered-test
  /usr/bin/python3 weights/train_resnet.py /tmp/cluttered --out weights/resnet-cluttered.onnx \
      --results bench/results/resnet-cluttered-train.json

Every choice is fixed here or by an option (seed, images seen, batch, learning rate), so the same command
gives the same model up to the CPU's thread scheduling of float sums.

The network (a ResNet-18-style net shrunk for 64x64): stem conv 3x3/1 -> BN -> ReLU -> max-pool 3x3/2 pad 1
(32x32); three basic residual blocks (two 3x3 convs with BN, the skip added before the last ReLU) of
WIDTHS channels at 32x32, 16x16 and 8x8, the second and third entering with stride 2 through a 1x1/2
projection + BN on the skip; global average pool; Linear to 10 logits. Trained with SGD (Nesterov momentum
0.9, weight decay 5e-4) under a one-cycle learning-rate schedule, random horizontal mirroring, the scenes
normalised by CLUTTERED_NORMALIZE.
"""
import argparse
import json
import os
import time

import numpy as np
import onnx
import torch
import torch.nn as nn

# src/data/cluttered_dataset.ts: CLUTTERED_NORMALIZE, and the Fashion-MNIST labels (FASHION_MNIST_LABELS).
MEAN = [0.364, 0.365, 0.361]
STD = [0.204, 0.204, 0.201]
LABELS = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot']


class BasicBlock(nn.Module):
    """Two 3x3 convs with batch norm; the skip is the input, or its 1x1/stride projection + BN."""

    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.relu = nn.ReLU()
        self.downsample = None
        if stride != 1 or cin != cout:
            self.downsample = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        y = self.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        skip = x if self.downsample is None else self.downsample(x)
        return self.relu(y + skip)


class SmallResNet(nn.Module):
    def __init__(self, widths, classes=10):
        super().__init__()
        w1, w2, w3 = widths
        self.conv1 = nn.Conv2d(3, w1, 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(w1)
        self.relu = nn.ReLU()
        self.maxpool = nn.MaxPool2d(3, 2, 1)
        self.layer1 = BasicBlock(w1, w1, 1)
        self.layer2 = BasicBlock(w1, w2, 2)
        self.layer3 = BasicBlock(w2, w3, 2)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(w3, classes)

    def forward(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer3(self.layer2(self.layer1(x)))
        return self.fc(torch.flatten(self.avgpool(x), 1))


def normalised(images_f16):
    x = torch.from_numpy(images_f16.astype(np.float32))
    mean = torch.tensor(MEAN).view(1, 3, 1, 1)
    std = torch.tensor(STD).view(1, 3, 1, 1)
    return (x - mean) / std


def evaluate(model, images, labels, batch=500):
    """Accuracy (%) and mean cross-entropy over the scenes, and the per-scene predictions."""
    model.eval()
    predictions, loss = [], 0.0
    with torch.no_grad():
        for start in range(0, len(images), batch):
            logits = model(normalised(images[start:start + batch]))
            target = torch.from_numpy(labels[start:start + batch].astype(np.int64))
            loss += nn.functional.cross_entropy(logits, target, reduction='sum').item()
            predictions.append(logits.argmax(1).numpy())
    predictions = np.concatenate(predictions)
    return 100.0 * float((predictions == labels).mean()), loss / len(images), predictions


def export(model, path):
    """torch.onnx.export in eval mode (batch norm folded into the convs by the exporter), a symbolic batch
    dimension, opset 13; then the `deepinside` metadata added with the onnx package."""
    model.eval()
    torch.onnx.export(model, torch.zeros(1, 3, 64, 64), path, opset_version=13,
                      input_names=['input'], output_names=['logits'],
                      dynamic_axes={'input': {0: 'batch'}, 'logits': {0: 'batch'}})
    proto = onnx.load(path)
    entry = proto.metadata_props.add()
    entry.key = 'deepinside'
    entry.value = json.dumps({'input': {'channels': 3, 'height': 64, 'width': 64},
                              'normalize': {'mean': MEAN, 'std': STD},
                              'labels': LABELS})
    onnx.checker.check_model(proto)
    onnx.save(proto, path)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('prefix', help='PREFIX of PREFIX-train-{images,labels}.npy and PREFIX-test-{images,labels}.npy')
    parser.add_argument('--out', default='weights/resnet-cluttered.onnx')
    parser.add_argument('--results', default='bench/results/resnet-cluttered-train.json')
    parser.add_argument('--widths', default='24,48,96', help='channels of the three stages (default 24,48,96)')
    parser.add_argument('--images', type=int, default=90000, help='training images seen in all (default 90000: one and a half epochs)')
    parser.add_argument('--batch', type=int, default=64)
    parser.add_argument('--lr', type=float, default=0.08, help='the one-cycle schedule\'s peak learning rate')
    parser.add_argument('--seed', type=int, default=14)
    parser.add_argument('--threads', type=int, default=1,
                        help='torch threads (default 1: on 2 cores shared with other jobs, 2 threads ran 5x slower)')
    args = parser.parse_args()

    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    rng = np.random.default_rng(args.seed)
    train_x = np.load(f'{args.prefix}-train-images.npy', mmap_mode='r')
    train_y = np.load(f'{args.prefix}-train-labels.npy')
    test_x = np.load(f'{args.prefix}-test-images.npy', mmap_mode='r')
    test_y = np.load(f'{args.prefix}-test-labels.npy')
    widths = [int(w) for w in args.widths.split(',')]
    model = SmallResNet(widths)
    params = sum(p.numel() for p in model.parameters())
    steps = args.images // args.batch
    optimiser = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=0.9, nesterov=True, weight_decay=5e-4)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimiser, max_lr=args.lr, total_steps=steps, pct_start=0.25)
    config = {k: getattr(args, k) for k in ['widths', 'images', 'batch', 'lr', 'seed', 'threads']}
    head = (f'SmallResNet widths {widths}, {params} parameters; {len(train_x)} training scenes, {steps} steps of '
            f'batch {args.batch}, SGD nesterov one-cycle peak lr {args.lr}, seed {args.seed}, torch {torch.__version__}')
    print(head, flush=True)
    log = [head]

    order = np.concatenate([rng.permutation(len(train_x)) for _ in range(-(-args.images // len(train_x)))])
    model.train()
    started = time.time()
    seen_loss, seen_correct, seen = 0.0, 0, 0
    for step in range(steps):
        index = np.sort(order[step * args.batch:(step + 1) * args.batch])
        x = normalised(train_x[index])
        flip = torch.from_numpy(rng.random(len(index)) < 0.5)
        x[flip] = x[flip].flip(3)
        y = torch.from_numpy(train_y[index].astype(np.int64))
        logits = model(x)
        loss = nn.functional.cross_entropy(logits, y)
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        schedule.step()
        seen_loss += loss.item() * len(index)
        seen_correct += int((logits.argmax(1) == y).sum())
        seen += len(index)
        if (step + 1) % 100 == 0 or step + 1 == steps:
            elapsed = time.time() - started
            line = (f'step {step + 1}/{steps}: loss {seen_loss / seen:.4f}, train accuracy {100 * seen_correct / seen:.2f}% '
                    f'(last {seen} images), {(step + 1) * args.batch / elapsed:.1f} images/s, {elapsed:.0f} s')
            print(line, flush=True)
            log.append(line)
            seen_loss, seen_correct, seen = 0.0, 0, 0
    train_seconds = time.time() - started

    accuracy, test_loss, predictions = evaluate(model, test_x, test_y)
    first = 500
    accuracy_first = 100.0 * float((predictions[:first] == test_y[:first]).mean())
    line = (f'test accuracy: {accuracy:.2f}% ({int((predictions == test_y).sum())}/{len(test_y)} of cluttered test), '
            f'loss {test_loss:.4f}; on the first {first} test scenes {accuracy_first:.2f}% '
            f'({int((predictions[:first] == test_y[:first]).sum())}/{first})')
    print(line, flush=True)
    log.append(line)

    export(model, args.out)
    size = os.path.getsize(args.out)
    print(f'wrote {args.out} ({size} bytes)', flush=True)
    os.makedirs(os.path.dirname(args.results) or '.', exist_ok=True)
    with open(args.results, 'w') as f:
        json.dump({'model': os.path.basename(args.out), 'bytes': size, 'parameters': params, 'config': config,
                   'trainSeconds': round(train_seconds, 1), 'testCount': len(test_y),
                   'testAccuracy': accuracy, 'testLoss': test_loss,
                   'firstTestCount': first, 'firstTestAccuracy': accuracy_first,
                   'firstTestPredictions': predictions[:first].tolist(),
                   'log': log, 'date': time.strftime('%Y-%m-%d')}, f, indent=1)
        f.write('\n')


if __name__ == '__main__':
    main()
