// Prints the WebGPU adapter Dawn finds in Node, or exits 1 when there is none.
import { create, globals } from 'webgpu';

Object.assign(globalThis, globals);
const gpu = create([]);
const adapter = await gpu.requestAdapter();
if (!adapter) {
  console.log('no WebGPU adapter');
  process.exit(1);
}
const info = adapter.info;
console.log(`WebGPU adapter: ${info.vendor} ${info.architecture} ${info.description || info.device}`);
process.exit(0);
