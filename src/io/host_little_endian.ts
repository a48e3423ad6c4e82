/**
 * Whether typed arrays on this machine store numbers little-endian, as safetensors does. Every platform
 * Node and the browsers run on today is; the readers and writers still check, so that a big-endian host
 * takes the slow per-element path instead of reading garbage.
 */
export const hostLittleEndian: boolean = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
