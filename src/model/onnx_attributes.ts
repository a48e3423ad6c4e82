import onnxProto from 'onnx-proto';
import type { onnx as Onnx } from 'onnx-proto';
import { onnxInt } from './onnx_int.ts';

const { AttributeType } = onnxProto.onnx.AttributeProto;

/**
 * A node's attributes by name, typed, with ONNX's defaults supplied by the caller. An attribute the
 * operator's reader does not list is refused, since an attribute it ignored could change what the node
 * computes. Errors are one line that begins with `where` (`onnx: node "conv1" (Conv)`).
 */
export class OnnxAttributes {
  readonly #byName = new Map<string, Onnx.IAttributeProto>();

  constructor(node: Onnx.INodeProto, readonly where: string, known: readonly string[]) {
    for (const attribute of node.attribute ?? []) {
      const name = attribute.name ?? '';
      if (!known.includes(name)) {
        const list = known.length ? `; deepinside reads ${known.join(', ')}` : '; deepinside reads none for it';
        throw new RangeError(`${where}: attribute "${name}" is not supported${list}`);
      }
      if (this.#byName.has(name)) throw new RangeError(`${where}: attribute "${name}" is given twice`);
      if (attribute.refAttrName) throw new RangeError(`${where}: attribute "${name}" refers to a function's attribute`);
      this.#byName.set(name, attribute);
    }
  }

  /** An INT attribute, or `fallback` when absent. */
  int(name: string, fallback: number): number {
    const a = this.#get(name, AttributeType.INT, 'an integer');
    return a ? onnxInt(a.i, `${this.#what(name)}`) : fallback;
  }

  /** An INTS attribute, or undefined when absent. */
  ints(name: string): number[] | undefined {
    const a = this.#get(name, AttributeType.INTS, 'a list of integers');
    return a ? (a.ints ?? []).map((v, i) => onnxInt(v, `${this.#what(name)}[${i}]`)) : undefined;
  }

  /** A FLOAT attribute, or `fallback` when absent. */
  float(name: string, fallback: number): number {
    const a = this.#get(name, AttributeType.FLOAT, 'a float');
    return a ? (a.f ?? 0) : fallback;
  }

  /** A FLOATS attribute, or undefined when absent. */
  floats(name: string): number[] | undefined {
    const a = this.#get(name, AttributeType.FLOATS, 'a list of floats');
    return a ? [...(a.floats ?? [])] : undefined;
  }

  /** A STRING attribute decoded as UTF-8, or `fallback` when absent. */
  string(name: string, fallback: string): string {
    const a = this.#get(name, AttributeType.STRING, 'a string');
    return a ? new TextDecoder().decode(a.s ?? new Uint8Array(0)) : fallback;
  }

  /** A TENSOR attribute, or undefined when absent. */
  tensor(name: string): Onnx.ITensorProto | undefined {
    const a = this.#get(name, AttributeType.TENSOR, 'a tensor');
    return a ? (a.t ?? undefined) : undefined;
  }

  /** Whether the attribute is there. */
  has(name: string): boolean {
    return this.#byName.has(name);
  }

  #get(name: string, type: number, kind: string): Onnx.IAttributeProto | undefined {
    const a = this.#byName.get(name);
    if (a && a.type !== type) {
      throw new RangeError(`${this.where}: attribute "${name}" has type ${AttributeType[a.type ?? 0] ?? a.type}; it must be ${kind}`);
    }
    return a;
  }

  #what(name: string): string {
    return `${this.where.replace(/^onnx: /, '')} attribute "${name}"`;
  }
}
