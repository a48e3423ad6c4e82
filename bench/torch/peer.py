"""PyTorch's CPU build as a benchmark peer of `npm run bench -- --peers torch` (bench/peers/torch.ts).

A server on stdin/stdout, one JSON object a line each way. Tensors travel as float32 .npy files in a
folder both sides can read. Requests:
  {"op": "conv2d", "id", "shape": {n, c, h, w, k, size, pad}, "x", "weight", "bias"}   F.conv2d, NCHW
  {"op": "conv2d_backward_input", "id", "shape", "dy", "weight"}   aten.convolution_backward, as autograd runs it
  {"op": "vgg", "id", "features": [64, 64, "M", ...], "classifier": [4096, 4096, 1000], "avgpool": [7, 7] | null,
   "channels", "size", "batch", "what": "forward" | "saliency", "seed", and optionally "weights" {name: file},
   "input" and "classes" (else its own seeded weights, a uniform input and class i mod classes for image i)}                                       torchvision's VGG layout
  {"op": "run", "id"} does the operation once;  {"op": "check", "id", "out"} writes its result to "out";
  {"op": "free", "id"}.
Every reply is {"ok": true, ...} or {"ok": false, "error": "..."}. The first line says which torch it is.
The saliency map is VGG's: forward, the class score's gradient to the input (parameters need no gradient,
as deepinside computes none), max over channels of its magnitude.
"""
import json
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

torch.set_num_threads(os.cpu_count() or 1)
torch.set_grad_enabled(False)


class Vgg(torch.nn.Module):
    """torchvision's VGG layout, so that parameters carry torchvision's (and deepinside's) names."""

    def __init__(self, features, avgpool, classifier):
        super().__init__()
        self.features, self.avgpool, self.classifier = features, avgpool, classifier

    def forward(self, x):
        return self.classifier(torch.flatten(self.avgpool(self.features(x)), 1))


def vgg(features, classifier, channels, size, avgpool):
    layers, c, s = [], channels, size
    for f in features:
        if f == "M":
            layers.append(torch.nn.MaxPool2d(2, 2))
            s //= 2
        else:
            layers += [torch.nn.Conv2d(c, f, 3, padding=1), torch.nn.ReLU()]
            c = f
    pool = torch.nn.AdaptiveAvgPool2d(tuple(avgpool)) if avgpool else torch.nn.Identity()
    width = c * (avgpool[0] * avgpool[1] if avgpool else s * s)
    head = []
    for i, f in enumerate(classifier):
        head.append(torch.nn.Linear(width, f))
        if i + 1 < len(classifier):
            head += [torch.nn.ReLU(), torch.nn.Dropout()]
        width = f
    model = Vgg(torch.nn.Sequential(*layers), pool, torch.nn.Sequential(*head)).eval()
    for p in model.parameters():
        p.requires_grad_(False)
    return model


def build(req):
    op = req["op"]
    if op == "conv2d":
        s = req["shape"]
        x, w, b = (torch.from_numpy(np.load(req[k])) for k in ("x", "weight", "bias"))
        return lambda: F.conv2d(x, w, b, padding=s["pad"])
    if op == "conv2d_backward_input":
        # What autograd calls for a conv's input gradient (F.conv_transpose2d, the same sum, ran 20 times
        # slower on this CPU build).
        s = req["shape"]
        dy, w = (torch.from_numpy(np.load(req[k])) for k in ("dy", "weight"))
        x = torch.empty(s["n"], s["c"], s["h"], s["w"])
        pad = [s["pad"], s["pad"]]
        return lambda: torch.ops.aten.convolution_backward(dy, x, w, None, [1, 1], pad, [1, 1], False, [0, 0], 1, [True, False, False])[0]
    if op == "vgg":
        torch.manual_seed(req.get("seed", 0))
        model = vgg(req["features"], req["classifier"], req["channels"], req["size"], req.get("avgpool"))
        if req.get("weights"):
            model.load_state_dict({k: torch.from_numpy(np.load(v)) for k, v in req["weights"].items()})
        n = req["batch"]
        x = torch.from_numpy(np.load(req["input"])) if req.get("input") else torch.rand(n, req["channels"], req["size"], req["size"])
        if req["what"] == "forward":
            return lambda: model(x)
        classes = torch.tensor(req["classes"]) if req.get("classes") else torch.arange(n) % req["classifier"][-1]

        def saliency():
            with torch.enable_grad():
                xg = x.clone().requires_grad_(True)
                scores = model(xg)
                scores.gather(1, classes.view(-1, 1)).sum().backward()
                return xg.grad.abs().amax(dim=1)

        return saliency
    raise ValueError(f"unknown op {op}")


def main():
    ops = {}
    print(json.dumps({"ok": True, "torch": torch.__version__, "threads": torch.get_num_threads()}), flush=True)
    for line in sys.stdin:
        req = json.loads(line)
        try:
            op = req["op"]
            if op == "run":
                ops[req["id"]]()
                reply = {"ok": True}
            elif op == "check":
                np.save(req["out"], ops[req["id"]]().contiguous().numpy().astype(np.float32))
                reply = {"ok": True}
            elif op == "free":
                ops.pop(req["id"], None)
                reply = {"ok": True}
            else:
                ops[req["id"]] = build(req)
                reply = {"ok": True}
        except Exception as error:  # the peer reports, the bench decides
            reply = {"ok": False, "error": f"{type(error).__name__}: {error}"}
        print(json.dumps(reply), flush=True)


if __name__ == "__main__":
    main()
