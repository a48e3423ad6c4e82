#!/usr/bin/python3
"""Checks deepinside's ONNX path against PyTorch in float64 (not part of CI: it needs Debian's
python3-torch, python3-torchvision and python3-onnx, and minutes of CPU).

For each torchvision model (random weights, batch norm statistics randomised so that folding them is
not a no-op) it
  1. exports ONNX with torch.onnx.export (opset 13, a symbolic batch dimension, weights inline, batch
     norm kept as BatchNormalization nodes so that deepinside folds them at load) and adds the
     `deepinside` metadata with the onnx package;
  2. writes a random RGB image of the input size as a PNG, and computes in PyTorch, float64, the logits
     and the saliency map max_c |dS_c/dx_c| (x the normalised input, c the top class) under the three
     ReLU rules: gradient, deconvnet (dy > 0), guided (x > 0 and dy > 0);
  3. runs `deepinside predict --json` and `deepinside saliency --rule R --npy` on the same file and
     image and prints the relative error ||deepinside - torch|| / ||torch|| of each, writing them to a
     JSON results file.

usage (from the repository root, after `node .ci/build.mjs cli`):
  /usr/bin/python3 bench/torch/export_check.py WORK_DIR [--models resnet18,resnet50,resnet101,vgg16]
      [--size 112] [--phase export|compare|all] [--results bench/results/onnx_torch_check.json]
vgg16 is exported at 224x224 whatever --size says: torch 1.13 exports its AdaptiveAvgPool2d((7, 7))
only when 7 divides the feature map.
"""
import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np
import onnx
import torch
import torchvision
from PIL import Image

MEAN = [0.485, 0.456, 0.406]
STD = [0.229, 0.224, 0.225]
RULES = ['gradient', 'deconvnet', 'guided']


class RuleRelu(torch.autograd.Function):
    """ReLU whose backward pass follows a rule: gradient (x > 0), deconvnet (dy > 0) or guided (both)."""

    @staticmethod
    def forward(ctx, x, rule):
        ctx.save_for_backward(x)
        ctx.rule = rule
        return x.clamp(min=0)

    @staticmethod
    def backward(ctx, dy):
        (x,) = ctx.saved_tensors
        if ctx.rule == 'gradient':
            keep = x > 0
        elif ctx.rule == 'deconvnet':
            keep = dy > 0
        else:
            keep = (x > 0) & (dy > 0)
        return dy * keep, None


class RuleReluModule(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.rule = 'gradient'

    def forward(self, x):
        return RuleRelu.apply(x, self.rule)


def build(name, seed):
    torch.manual_seed(seed)
    model = getattr(torchvision.models, name)(weights=None)
    for m in model.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            with torch.no_grad():
                m.running_mean.uniform_(-0.2, 0.2)
                m.running_var.uniform_(0.5, 2.0)
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.2, 0.2)
    return model.eval()


def replace_relus(module):
    """Every nn.ReLU becomes a RuleReluModule (torchvision calls them as modules, so this reaches all)."""
    relus = []
    for child_name, child in module.named_children():
        if isinstance(child, torch.nn.ReLU):
            relu = RuleReluModule()
            setattr(module, child_name, relu)
            relus.append(relu)
        else:
            relus += replace_relus(child)
    return relus


def export(name, size, work, seed):
    model = build(name, seed)
    path = os.path.join(work, f'{name}.onnx')
    torch.onnx.export(
        model,
        torch.zeros(1, 3, size, size),
        path,
        opset_version=13,
        input_names=['input'],
        output_names=['logits'],
        dynamic_axes={'input': {0: 'batch'}, 'logits': {0: 'batch'}},
        training=torch.onnx.TrainingMode.PRESERVE,
        do_constant_folding=False,
    )
    proto = onnx.load(path)
    entry = proto.metadata_props.add()
    entry.key = 'deepinside'
    entry.value = json.dumps({'input': {'channels': 3, 'height': size, 'width': size}, 'normalize': {'mean': MEAN, 'std': STD}})
    onnx.save(proto, path)
    ops = sorted({node.op_type for node in proto.graph.node})

    rng = np.random.default_rng(seed)
    pixels = rng.integers(0, 256, size=(size, size, 3), dtype=np.uint8)
    image = os.path.join(work, f'{name}.png')
    Image.fromarray(pixels, 'RGB').save(image)

    # PyTorch in float64 on exactly the input deepinside will build from the PNG.
    model = model.double()
    relus = replace_relus(model)
    x = torch.from_numpy(pixels.astype(np.float64) / 255).permute(2, 0, 1).unsqueeze(0)
    x = (x - torch.tensor(MEAN, dtype=torch.float64).view(1, 3, 1, 1)) / torch.tensor(STD, dtype=torch.float64).view(1, 3, 1, 1)
    with torch.no_grad():
        logits = model(x)[0]
    top = int(torch.argmax(logits))
    np.save(os.path.join(work, f'{name}.torch.logits.npy'), logits.numpy())
    for rule in RULES:
        for relu in relus:
            relu.rule = rule
        leaf = x.clone().requires_grad_(True)
        model(leaf)[0, top].backward()
        saliency = leaf.grad[0].abs().amax(dim=0)
        np.save(os.path.join(work, f'{name}.torch.{rule}.npy'), saliency.numpy())
    return {'ops': ops, 'class': top, 'size': size, 'bytes': os.path.getsize(path)}


def float32_baseline(name, work, seed):
    """PyTorch's own float32 against its float64: the error any float32 engine starts from. Under the
    gradient and guided rules a pre-activation within float32 rounding of zero can take the other side of
    its ReLU, which moves the map where that unit reaches, so this floor is not zero."""
    model = build(name, seed)
    relus = replace_relus(model)
    pixels = np.asarray(Image.open(os.path.join(work, f'{name}.png')).convert('RGB'))
    x = torch.from_numpy(pixels.astype(np.float64) / 255).permute(2, 0, 1).unsqueeze(0)
    x = ((x - torch.tensor(MEAN, dtype=torch.float64).view(1, 3, 1, 1)) / torch.tensor(STD, dtype=torch.float64).view(1, 3, 1, 1)).float()
    expected = np.load(os.path.join(work, f'{name}.torch.logits.npy'))
    with torch.no_grad():
        result = {'torch_float32_logits_rel': relative(model(x)[0].double().numpy(), expected)}
    top = int(np.argmax(expected))
    for rule in RULES:
        for relu in relus:
            relu.rule = rule
        leaf = x.clone().requires_grad_(True)
        model(leaf)[0, top].backward()
        saliency = leaf.grad[0].abs().amax(dim=0).double().numpy()
        result[f'torch_float32_{rule}_rel'] = relative(saliency, np.load(os.path.join(work, f'{name}.torch.{rule}.npy')))
    return result


def relative(actual, expected):
    actual = np.asarray(actual, dtype=np.float64).ravel()
    expected = np.asarray(expected, dtype=np.float64).ravel()
    if actual.shape != expected.shape:
        raise SystemExit(f'shape mismatch: {actual.shape} vs {expected.shape}')
    return float(np.linalg.norm(actual - expected) / np.linalg.norm(expected))


def compare(name, work, deepinside, reuse=False):
    model = os.path.join(work, f'{name}.onnx')
    image = os.path.join(work, f'{name}.png')
    started = time.time()
    out = subprocess.run([*deepinside, 'predict', '--model', model, '--image', image, '--json', '--top', '1'], check=True, capture_output=True, text=True)
    prediction = json.loads(out.stdout)
    result = {'predict_s': round(time.time() - started, 1)}
    expected = np.load(os.path.join(work, f'{name}.torch.logits.npy'))
    result['logits_rel'] = relative(prediction['logits'], expected)
    result['same_top_class'] = prediction['top'][0]['index'] == int(np.argmax(expected))
    for rule in RULES:
        npy = os.path.join(work, f'{name}.deepinside.{rule}.npy')
        if reuse and os.path.exists(npy) and os.path.getmtime(npy) > os.path.getmtime(model):
            result[f'{rule}_rel'] = relative(np.load(npy), np.load(os.path.join(work, f'{name}.torch.{rule}.npy')))
            continue
        started = time.time()
        subprocess.run([*deepinside, 'saliency', '--model', model, '--image', image, '--rule', rule, '--out', os.path.join(work, f'{name}.{rule}.png'), '--npy', npy], check=True, capture_output=True, text=True)
        result[f'{rule}_s'] = round(time.time() - started, 1)
        result[f'{rule}_rel'] = relative(np.load(npy), np.load(os.path.join(work, f'{name}.torch.{rule}.npy')))
    return result


def print_table(document):
    print('| model (torchvision, random weights) | input | logits | saliency, gradient | deconvnet | guided |')
    print('| --- | --- | --- | --- | --- | --- |')
    for name, r in document['models'].items():
        def cell(rule):
            floor = r.get(f'torch_float32_{rule}_rel')
            return f'{r[rule + "_rel"]:.1e}' + (f' ({floor:.1e})' if floor is not None else '')
        cells = [cell(key) for key in ['logits'] + RULES]
        print(f'| {name} | {r["size"]}×{r["size"]} | ' + ' | '.join(cells) + ' |')
    print('\nIn brackets where measured: PyTorch float32 against its float64, the floor for any float32 engine.')
    print(f'\nRelative error ‖deepinside − PyTorch‖ / ‖PyTorch‖ (PyTorch {document["torch"]} in float64; deepinside in float32 '
          f'on the GPU), from `bench/torch/export_check.py`, {document["date"][:10]}.')


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('work')
    parser.add_argument('--models', default='resnet18,resnet50,resnet101,vgg16')
    parser.add_argument('--size', type=int, default=112)
    parser.add_argument('--seed', type=int, default=14)
    parser.add_argument('--phase', choices=['export', 'compare', 'all', 'float32', 'table'], default='all',
                        help='float32: add PyTorch float32 vs float64 to the results (the float32 floor); '
                             'table: print the results file as a Markdown table, and nothing else')
    parser.add_argument('--deepinside', default='node .build/cli/main.mjs', help='the command that runs deepinside')
    parser.add_argument('--results', default='bench/results/onnx_torch_check.json')
    parser.add_argument('--reuse', action='store_true', help='compare maps deepinside already wrote (newer than the model) instead of running it again')
    args = parser.parse_args()
    if args.phase == 'table':
        return print_table(json.load(open(args.results)))
    os.makedirs(args.work, exist_ok=True)
    torch.set_num_threads(max(1, os.cpu_count() or 1))
    exported_path = os.path.join(args.work, 'exported.json')
    exported = json.load(open(exported_path)) if os.path.exists(exported_path) else {}
    results = {}
    for name in args.models.split(','):
        size = 224 if name.startswith('vgg') else args.size
        if args.phase in ('export', 'all'):
            started = time.time()
            exported[name] = export(name, size, args.work, args.seed)
            exported[name]['export_s'] = round(time.time() - started, 1)
            json.dump(exported, open(exported_path, 'w'), indent=1)
            print(f'{name}: exported at {size}x{size} in {exported[name]["export_s"]} s, ops {", ".join(exported[name]["ops"])}', flush=True)
        if args.phase == 'float32':
            results[name] = float32_baseline(name, args.work, args.seed)
            print(f'{name}: PyTorch float32 vs float64: ' + ', '.join(f'{k} {v:.2e}' for k, v in results[name].items()), flush=True)
        if args.phase in ('compare', 'all'):
            results[name] = {**exported.get(name, {}), **compare(name, args.work, args.deepinside.split(), args.reuse)}
            r = results[name]
            rels = ', '.join(f'{key} {r[key]:.2e}' for key in ['logits_rel'] + [f'{rule}_rel' for rule in RULES])
            print(f'{name} ({r["size"]}x{r["size"]}): relative error {rels}; same top class: {r["same_top_class"]}', flush=True)
    if results:
        # Models checked in an earlier run stay in the file until checked again.
        earlier = json.load(open(args.results)).get('models', {}) if os.path.exists(args.results) else {}
        results = {**earlier, **{name: {**earlier.get(name, {}), **r} for name, r in results.items()}}
        document = {
            'what': 'deepinside vs PyTorch 1.13 float64 on torchvision models exported to ONNX (opset 13, random weights): '
                    'relative error ||deepinside - torch|| / ||torch|| of the logits and of the saliency map under each rule',
            'torch': torch.__version__,
            'torchvision': torchvision.__version__,
            'onnx': onnx.__version__,
            'date': time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime()),
            'models': results,
        }
        os.makedirs(os.path.dirname(args.results), exist_ok=True)
        with open(args.results, 'w') as f:
            json.dump(document, f, indent=1)
            f.write('\n')
        print(f'results in {args.results}')


if __name__ == '__main__':
    sys.exit(main())
